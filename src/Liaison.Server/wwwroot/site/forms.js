// Small behaviours of the server-rendered forms; every form works without them.
(function () {
  'use strict';
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    // <form data-confirm="…">: ask before an action that cannot be undone.
    var question = form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // <form data-once>: one submission; the server also refuses a repeat by the form's request id.
    if (form.hasAttribute('data-once')) {
      form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = true; });
    }
  });
})();
