// shuyu console: the little behaviour that plain HTML lacks. Everything works
// without it; it only adds confirmations and a copy button.
(function () {
  "use strict";

  // A button with data-confirm asks before its form is sent (revoking a key,
  // resetting a password).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-confirm]");
    if (btn && !window.confirm(btn.getAttribute("data-confirm"))) {
      ev.preventDefault();
    }
  });

  // A button with data-copy="id" copies that field's value (a new API key).
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("[data-copy]");
    if (!btn) {
      return;
    }
    var field = document.getElementById(btn.getAttribute("data-copy"));
    if (!field) {
      return;
    }
    field.select();
    var done = function () {
      btn.textContent = btn.getAttribute("data-copied");
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done);
    } else if (document.execCommand("copy")) {
      done();
    }
  });

  // After a failed submission, move focus to the first field in error so
  // that keyboard and screen-reader users land where the problem is.
  document.addEventListener("DOMContentLoaded", function () {
    var bad = document.querySelector("[aria-invalid=true]");
    if (bad) {
      bad.focus();
    }
  });

  // Ctrl+Enter (or Cmd+Enter) in a textarea marked data-submit-key sends
  // its form: running a query from the SQL editor.
  document.addEventListener("keydown", function (ev) {
    var area = ev.target.closest && ev.target.closest("textarea[data-submit-key]");
    if (area && ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && area.form) {
      ev.preventDefault();
      area.form.requestSubmit();
    }
  });
})();
