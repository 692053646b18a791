// Small behaviours of the server-rendered forms; every form works without them.
(function () {
  'use strict';
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    // <form data-confirm="…"> or <button data-confirm="…">: ask before an action that cannot be undone.
    var question = (event.submitter && event.submitter.getAttribute('data-confirm')) || form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) {
      event.preventDefault();
      return;
    }
    // <form data-once>: one submission; the server also refuses a repeat by the form's request id.
    // A disabled button is left out of what the form sends, the clicked one too: its name and value (批准 or 不批准)
    // go along in a hidden field instead.
    if (form.hasAttribute('data-once')) {
      var clicked = event.submitter;
      if (clicked && clicked.name) {
        var carried = document.createElement('input');
        carried.type = 'hidden';
        carried.name = clicked.name;
        carried.value = clicked.value;
        form.appendChild(carried);
      }
      form.querySelectorAll('button[type=submit]').forEach(function (b) { b.disabled = true; });
    }
  });
})();
