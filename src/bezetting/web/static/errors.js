// Bring a refusal into view: after a form that failed (an HTMX answer of 400 or more, or a
// whole page sent back with a message), the first error on the page scrolls to the middle of
// the screen, so a form low on the page never fails out of sight.
"use strict";

function showFirstError() {
  const error = document.querySelector('[role="alert"]');
  if (error) {
    error.scrollIntoView({ block: "center" });
  }
}

document.addEventListener("DOMContentLoaded", showFirstError);
document.addEventListener("htmx:afterSettle", (event) => {
  const answer = event.detail.xhr;
  if (answer && answer.status >= 400) {
    showFirstError();
  }
});
