/* 住民記録 案件管理: intake form helpers. Everything works without this script (plain forms). */
(function () {
  'use strict';

  // Enter moves to the next field instead of sending the whole form (issue 14 bug 5). A textarea keeps its new line,
  // a button or link its click; Enter while the IME is converting only confirms the conversion.
  var focusable = function (el) {
    if (el.disabled || el.type === 'hidden' || el.tabIndex < 0) return false;
    if (!/^(INPUT|SELECT|TEXTAREA|BUTTON)$/.test(el.tagName)) return false;
    return el.offsetParent !== null || el.getClientRects().length > 0;
  };
  document.addEventListener('keydown', function (ev) {
    if (ev.key !== 'Enter' || ev.isComposing || ev.keyCode === 229) return;
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var el = ev.target;
    var form = el && el.form;
    if (!form || !form.matches('form.intake, form[data-enter-next]')) return;
    if (el.tagName === 'TEXTAREA' || el.tagName === 'BUTTON' || el.type === 'submit' || el.type === 'button') return;
    ev.preventDefault();
    var fields = Array.prototype.filter.call(form.elements, function (f) {
      // one stop per radio group: the checked radio, or the first one
      if (f.type === 'radio' && f !== el) {
        var group = form.querySelectorAll('input[type="radio"][name="' + f.name + '"]');
        var checked = Array.prototype.filter.call(group, function (r) {
          return r.checked;
        })[0];
        if (f !== (checked || group[0]) || (el.type === 'radio' && el.name === f.name)) return false;
      }
      return f === el || focusable(f);
    });
    var next = fields[fields.indexOf(el) + 1];
    if (next) {
      next.focus();
      if (next.select && next.tagName === 'INPUT' && /^(text|search|tel|number|email)$/.test(next.type)) next.select();
    }
  });
})();
