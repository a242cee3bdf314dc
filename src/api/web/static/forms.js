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

/* Reference data as the clerk types (README "Reference data"): a 郵便番号 fills the start of the address (the clerk
   completes or corrects it), and an address fills the 団体コード of its municipality. A value the clerk typed is never
   overwritten; the lookups are public data (GET /api/reference/…). */
(function () {
  'use strict';
  var fold = function (s) {
    return s.replace(/[０-９]/g, function (c) {
      return String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  };
  var get = function (url) {
    return fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } }).then(function (r) {
      return r.ok ? r.json() : null;
    });
  };
  // the line under a field that says what was filled in (role=status: read out by screen readers)
  var status = function (input, text) {
    var id = input.id + '-lookup';
    var p = document.getElementById(id);
    if (!p) {
      p = document.createElement('p');
      p.id = id;
      p.className = 'hint lookup-status';
      p.setAttribute('role', 'status');
      input.parentNode.appendChild(p);
    }
    p.textContent = text;
  };
  // fill `target` unless the clerk typed something else there since the last fill
  var fill = function (target, value) {
    if (target.value.trim() !== '' && target.value !== target.getAttribute('data-filled')) return false;
    target.value = value;
    target.setAttribute('data-filled', value);
    return true;
  };
  Array.prototype.forEach.call(document.querySelectorAll('form.intake'), function (form) {
    var postal = form.querySelector('input[name="postalCode"]');
    var address = form.querySelector('input[name="address"]');
    if (postal && address) {
      var last = '';
      var lookUp = function () {
        var digits = fold(postal.value).replace(/[^0-9]/g, '');
        if (digits.length !== 7 || digits === last) return;
        last = digits;
        get('/api/reference/postal-codes/' + digits).then(function (j) {
          if (!j || !j.addresses || !j.addresses.length) {
            status(postal, 'この郵便番号は見つかりません。住所を直接入力してください。');
            return;
          }
          var first = j.addresses[0];
          var filled = fill(address, first.address);
          var others =
            j.addresses.length > 1
              ? '（ほかの町域: ' +
                j.addresses
                  .slice(1, 4)
                  .map(function (a) {
                    return a.town;
                  })
                  .join('、') +
                '）'
              : '';
          status(
            postal,
            (filled
              ? '住所に「' + first.address + '」を入れました。番地・号を続けて入力してください。'
              : '郵便番号の住所: ' + first.address) + others,
          );
        });
      };
      postal.addEventListener('input', lookUp);
      postal.addEventListener('change', lookUp);
    }
    [
      ['previousAddress', 'previousMunicipalityCode'],
      ['destinationAddress', 'destinationCode'],
    ].forEach(function (pair) {
      var from = form.querySelector('input[name="' + pair[0] + '"]');
      var code = form.querySelector('input[name="' + pair[1] + '"]');
      if (!from || !code) return;
      from.addEventListener('change', function () {
        var name = from.value.trim();
        if (!name) return;
        get('/api/reference/municipalities?name=' + encodeURIComponent(name)).then(function (j) {
          var m = j && j.municipalities && j.municipalities[0];
          if (!m) {
            status(code, '市区町村名から団体コードが見つかりません。コードを直接入力してください。');
            return;
          }
          var filled = fill(code, m.code);
          status(code, (filled ? '団体コード ' : '候補: ') + m.code + '（' + m.name + '）');
        });
      });
    });
  });
})();
