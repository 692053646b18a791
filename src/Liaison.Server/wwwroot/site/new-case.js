// The new-case form's deadline preview: when the category or priority changes, ask the server which deadlines a case
// would get if sent now (GET /api/cases/deadline-preview) and show them. The rules (working days, urgent halving) live
// on the server only; the words live in the page.
(function () {
  'use strict';
  var box = document.getElementById('due-preview');
  var category = document.getElementById('category');
  var priority = document.getElementById('priority');
  if (!box || !category || !priority) return;

  function local(iso) { return iso.substring(0, 10) + ' ' + iso.substring(11, 16); }

  function paint(which, deadline) {
    box.querySelector('[data-due=' + which + ']').textContent = local(deadline.due);
    var days = box.querySelector('[data-days=' + which + ']');
    if (days) days.textContent = String(deadline.workingDays);
    var unit = box.querySelector('[data-days-unit=' + which + ']');
    if (unit) unit.textContent = unit.getAttribute(deadline.workingDays === 1 ? 'data-one' : 'data-many');
    box.querySelector('[data-provisional=' + which + ']').hidden = !deadline.provisional;
  }

  // Answers can arrive out of order when the officer changes two fields quickly: only the latest request may paint.
  var latest = 0;
  function update() {
    var mine = ++latest;
    var url = '/api/cases/deadline-preview?category=' + encodeURIComponent(category.value) + '&priority=' + encodeURIComponent(priority.value);
    fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (d) {
        if (mine !== latest) return;
        paint('accept', d.acceptBy);
        paint('resolve', d.dueAt);
        paint('co-accept', d.coHandler.acceptBy);
        paint('co-submit', d.coHandler.dueAt);
        box.removeAttribute('data-error');
      })
      .catch(function () {
        if (mine !== latest) return;
        box.setAttribute('data-error', 'true');
        box.querySelector('[data-status]').textContent = box.getAttribute('data-failed');
      });
  }

  category.addEventListener('change', update);
  priority.addEventListener('change', update);
})();
