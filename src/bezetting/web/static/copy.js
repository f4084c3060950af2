// A "Copy" button for a read-only field (the calendar address): shown only when this script
// runs (also in a section HTMX swapped in); it selects the field's text and copies it. Without
// JavaScript the field stays, and its text can be selected and copied by hand.
"use strict";

function showCopyButtons() {
  for (const button of document.querySelectorAll("button[data-copy]")) {
    button.hidden = false;
  }
}

function copyField(button) {
  const field = document.getElementById(button.dataset.copy);
  field.focus();
  field.select();
  const done = () => {
    button.textContent = button.dataset.copied;
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => {});
  } else if (document.execCommand("copy")) {
    done();
  }
}

document.addEventListener("DOMContentLoaded", showCopyButtons);
document.addEventListener("htmx:afterSettle", showCopyButtons);
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (button) {
    copyField(button);
  }
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("input.feed")) {
    event.target.select();
  }
});
