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

// One refusal at a time on a page of several forms (marked data-one-refusal): the answer to a
// form replaces its own section, so a refusal another form's earlier answer left in its
// section, or at the top, no longer holds and goes (what was typed stays). Only answers to
// posts do this: polling and links (GET) leave refusals be.
document.addEventListener("htmx:beforeSwap", (event) => {
  const detail = event.detail;
  if (!detail.shouldSwap || !detail.requestConfig || detail.requestConfig.verb === "get") {
    return;
  }
  const target = detail.target;
  const flash = document.getElementById("flash");
  const page = target === flash
    ? document.querySelector("[data-one-refusal]")
    : target.closest("[data-one-refusal]");
  if (!page) {
    return;
  }
  const alerts = [...page.querySelectorAll('[role="alert"]')];
  if (flash) {
    alerts.push(...flash.querySelectorAll('[role="alert"]'));
  }
  for (const alert of alerts) {
    if (!target.contains(alert)) {
      alert.remove();
    }
  }
});
