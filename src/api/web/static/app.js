/* 住民記録 案件管理: small progressive enhancements. Everything works without this script (plain forms). */
(function () {
  'use strict';
  var body = document.body;
  var csrf = body.getAttribute('data-csrf') || '';

  // Idle timeout (domain.md §8.1): activity keeps the server session alive; inactivity returns to the login page.
  var idleMs = Number(body.getAttribute('data-idle-ms') || 0);
  if (idleMs > 0) {
    var timer = 0;
    var lastPing = Date.now();
    var arm = function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        window.location.href = '/login?expired=1';
      }, idleMs);
    };
    var activity = function () {
      if (Date.now() - lastPing > 60000) {
        lastPing = Date.now();
        fetch('/api/me', { credentials: 'same-origin' }).then(function (r) {
          if (r.status === 401) window.location.href = '/login?expired=1';
        });
      }
      arm();
    };
    ['keydown', 'mousedown', 'input'].forEach(function (e) {
      document.addEventListener(e, activity, { passive: true });
    });
    arm();
  }

  // Confirm dialogs and protection against double submits (the server also de-duplicates by request ID).
  document.addEventListener('submit', function (ev) {
    var form = ev.target;
    if (!(form instanceof HTMLFormElement)) return;
    var msg = form.getAttribute('data-confirm');
    if (msg && !window.confirm(msg)) {
      ev.preventDefault();
      return;
    }
    if (form.getAttribute('method') === 'post') {
      window.setTimeout(function () {
        Array.prototype.forEach.call(form.querySelectorAll('button[type="submit"]'), function (b) {
          b.disabled = true;
        });
      }, 0);
    }
  });

  // Keyboard: "/" focuses the search or filter field; j / k move between rows of a list; Enter opens the row.
  var typing = function (el) {
    return (
      el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable)
    );
  };
  document.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || typing(document.activeElement)) return;
    if (ev.key === '/') {
      var f =
        document.querySelector('[data-search]') ||
        document.querySelector('main input:not([type="hidden"]), main select');
      if (f) {
        ev.preventDefault();
        f.focus();
      }
      return;
    }
    if (ev.key !== 'j' && ev.key !== 'k') return;
    var links = Array.prototype.slice.call(
      document.querySelectorAll(
        'table[data-nav] tbody tr td:first-child a, table[data-nav] tbody tr td:nth-child(2) a.case-link',
      ),
    );
    if (!links.length) return;
    var i = links.indexOf(document.activeElement);
    var next = ev.key === 'j' ? Math.min(links.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
    ev.preventDefault();
    links[next].focus();
  });

  // Live parts (issue 14 bug 7): elements with `data-live` (and an id) are reloaded in place from the same page, no
  // framework. Under a `data-live-check` element the page polls that JSON and reloads only when its `version` differs
  // from `data-live-version`; under `data-live-every` it reloads every N ms. Paused while the user types or has
  // changed a form, while a bulk action runs, and in a hidden tab. Background requests carry X-Background-Refresh, so
  // they never extend the idle session (the idle timer above counts the user's own input only).
  var bg = function (url) {
    return fetch(url, { credentials: 'same-origin', headers: { 'x-background-refresh': '1' } }).then(function (r) {
      if (r.status === 401 || (r.redirected && /\/login/.test(r.url))) throw new Error('session');
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r;
    });
  };
  var liveRoot = document.querySelector('[data-live-check], [data-live-every]');
  if (liveRoot && document.querySelector('[data-live]')) {
    var check = liveRoot.getAttribute('data-live-check');
    var every = Number(liveRoot.getAttribute('data-live-every') || 5000);
    var version = liveRoot.getAttribute('data-live-version');
    var dirty = false;
    var stopped = false;
    var markDirty = function (ev) {
      if (ev.target && ev.target.closest && ev.target.closest('form')) dirty = true;
    };
    document.addEventListener('input', markDirty, true);
    document.addEventListener('change', markDirty, true);
    var paused = function () {
      var el = document.activeElement;
      var editing = el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT');
      return dirty || editing || document.hidden || body.getAttribute('data-busy') === 'true';
    };
    var swap = function () {
      return bg(window.location.pathname + window.location.search)
        .then(function (r) {
          return r.text();
        })
        .then(function (t) {
          if (paused()) return;
          var doc = new DOMParser().parseFromString(t, 'text/html');
          Array.prototype.forEach.call(document.querySelectorAll('[data-live]'), function (el) {
            var fresh = el.id && doc.getElementById(el.id);
            if (fresh) el.innerHTML = fresh.innerHTML;
          });
          var root = doc.querySelector('[data-live-version]');
          if (root) version = root.getAttribute('data-live-version');
          body.setAttribute('data-live-refreshed', String(Date.now()));
        });
    };
    var tick = function () {
      if (stopped) return;
      if (paused()) return void window.setTimeout(tick, every);
      var work = check
        ? bg(check)
            .then(function (r) {
              return r.json();
            })
            .then(function (j) {
              if (j.version !== version) return swap();
            })
        : swap();
      work
        .catch(function (e) {
          if (e && e.message === 'session') stopped = true; // the idle timer takes the user to the login page
        })
        .then(function () {
          if (!stopped) window.setTimeout(tick, every);
        });
    };
    window.setTimeout(tick, every);
  }

  // Notices: move focus to a new message so screen readers and keyboard users notice it.
  var notice = document.getElementById('notice');
  if (notice && notice.classList.contains('notice-error')) notice.focus();

  // Checklists (the card handover): the submit button stays disabled until every required item is done; the list of
  // what is missing is shown beside it. `data-checklist` = [{ name, label, if: "field=value&…" }]; sections with
  // `data-show-if` are shown only when their condition holds. The server validates everything again.
  Array.prototype.forEach.call(document.querySelectorAll('form[data-checklist]'), function (form) {
    var rules = JSON.parse(form.getAttribute('data-checklist') || '[]');
    var valueOf = function (name) {
      var els = form.querySelectorAll('[name="' + name + '"]');
      for (var i = 0; i < els.length; i++) {
        var el = els[i];
        if (el.type === 'radio' || el.type === 'checkbox') {
          if (el.checked) return el.value;
        } else if (el.value.trim() !== '') return el.value;
      }
      return '';
    };
    var holds = function (cond) {
      return (
        !cond ||
        cond.split('&').every(function (c) {
          var kv = c.split('=');
          return valueOf(kv[0]) === kv[1];
        })
      );
    };
    var button = form.querySelector('button[type="submit"]');
    var status = form.querySelector('.checklist-status');
    var update = function () {
      Array.prototype.forEach.call(form.querySelectorAll('[data-show-if]'), function (s) {
        s.hidden = !holds(s.getAttribute('data-show-if'));
      });
      var missing = rules
        .filter(function (r) {
          return holds(r.if) && !valueOf(r.name);
        })
        .map(function (r) {
          return r.label;
        });
      if (button) button.disabled = missing.length > 0;
      if (status)
        status.textContent = missing.length
          ? '未確認の項目（' + missing.length + '件）：' + missing.join('、')
          : 'すべての項目を確認しました。';
    };
    form.addEventListener('change', update);
    form.addEventListener('input', update);
    update();
  });

  // Bulk actions in the supervisor console: one API call per case, in order, with progress and a result per case.
  var bulk = document.getElementById('bulk-form');
  if (!bulk) return;
  var all = document.getElementById('select-all');
  var boxes = function () {
    return Array.prototype.slice.call(document.querySelectorAll('input[name="case"]'));
  };
  var countEl = document.getElementById('bulk-selected');
  var updateCount = function () {
    if (countEl)
      countEl.textContent = String(
        boxes().filter(function (b) {
          return b.checked;
        }).length,
      );
  };
  if (all)
    all.addEventListener('change', function () {
      boxes().forEach(function (b) {
        b.checked = all.checked;
      });
      updateCount();
    });
  document.addEventListener('change', function (ev) {
    if (ev.target && ev.target.name === 'case') updateCount();
  });
  bulk.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var action = bulk.querySelector('[name="bulkAction"]').value;
    var reason = bulk.querySelector('[name="bulkReason"]').value.trim();
    var to = (bulk.querySelector('[name="bulkTo"]') || { value: '' }).value.trim();
    var status = document.getElementById('bulk-status');
    var selected = boxes()
      .filter(function (b) {
        return b.checked;
      })
      .map(function (b) {
        return b.value;
      });
    if (!selected.length) {
      status.textContent = '案件を選択してください。';
      return;
    }
    if (!reason) {
      status.textContent = '理由を入力してください（必須）。';
      bulk.querySelector('[name="bulkReason"]').focus();
      return;
    }
    if (action === 'reassign' && !to) {
      status.textContent = '割当先の職員IDを入力してください。';
      return;
    }
    var label = bulk.querySelector('[name="bulkAction"]').selectedOptions[0].textContent;
    if (!window.confirm(selected.length + ' 件に「' + label + '」を実行します。よろしいですか？')) return;
    var progress = document.getElementById('bulk-progress');
    progress.max = selected.length;
    progress.value = 0;
    progress.hidden = false;
    var submit = bulk.querySelector('button[type="submit"]');
    submit.disabled = true;
    var ok = 0,
      failed = 0;
    var payload = action === 'reassign' ? { reason: reason, to: to } : { reason: reason };
    body.setAttribute('data-busy', 'true');
    // 今すぐ再試行 (issue 14 bug 6): the answer only says the retry started; the outcome is the retried attempt's, read
    // from each case's progress until it succeeded (the failure cleared) or failed again (a failure after the retry)
    var watching = [];
    var finish = function () {
      status.textContent = '完了: 成功 ' + ok + ' 件 ／ 失敗 ' + failed + ' 件（全 ' + selected.length + ' 件）';
      status.setAttribute('data-done', 'true');
      submit.disabled = false;
      body.removeAttribute('data-busy');
    };
    var outcome = function (w, p) {
      if (!p.failingStep) return { ok: true, text: '成功' + (p.statusLabel ? '（' + p.statusLabel + '）' : '') };
      if (p.lastFailureAt && p.retriedAt && p.lastFailureAt > p.retriedAt)
        return { ok: false, text: '再び失敗（' + (p.error || '理由不明') + '）' };
      return undefined;
    };
    var watch = function (deadline) {
      if (!watching.length) return finish();
      status.textContent =
        '再試行の結果を待っています… 残り ' + watching.length + ' 件（成功 ' + ok + ' 件 ／ 失敗 ' + failed + ' 件）';
      Promise.all(
        watching.map(function (w) {
          return bg('/api/cases/' + encodeURIComponent(w.id) + '/progress')
            .then(function (r) {
              return r.json();
            })
            .then(
              function (p) {
                var o = outcome(w, p);
                if (!o && Date.now() < deadline) return true;
                if (!o) o = { ok: false, text: '結果を確認できませんでした（案件画面で確認してください）' };
                if (o.ok) ok++;
                else failed++;
                if (w.cell) {
                  w.cell.textContent = o.text;
                  w.cell.className = o.ok ? 'result-ok' : 'result-error';
                }
                return false;
              },
              function () {
                return Date.now() < deadline;
              },
            );
        }),
      ).then(function (keep) {
        watching = watching.filter(function (_w, k) {
          return keep[k];
        });
        if (watching.length) window.setTimeout(watch, 1500, deadline);
        else finish();
      });
    };
    var run = function (i) {
      if (i >= selected.length) {
        if (watching.length) return watch(Date.now() + 120000);
        finish();
        return;
      }
      var id = selected[i];
      var cell = document.querySelector('[data-result-for="' + id + '"]');
      if (cell) {
        cell.textContent = '実行中…';
        cell.className = '';
      }
      status.textContent = i + 1 + ' / ' + selected.length + ' 件目を実行中…';
      fetch('/api/cases/' + encodeURIComponent(id) + '/' + action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: {
          'content-type': 'application/json',
          'x-csrf-token': csrf,
          'x-request-id': window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + '-' + i,
        },
        body: JSON.stringify(payload),
      })
        .then(function (r) {
          return r.text().then(function (t) {
            var j = {};
            try {
              j = JSON.parse(t);
            } catch {
              /* not JSON */
            }
            return { status: r.status, ok: r.ok, json: j };
          });
        })
        .then(
          function (res) {
            if (res.ok && action === 'retry-now') {
              watching.push({ id: id, cell: cell });
              if (cell) {
                cell.textContent = '再試行を開始';
                cell.className = 'result-pending';
              }
            } else if (res.ok) {
              ok++;
              if (cell) {
                cell.textContent = '成功';
                cell.className = 'result-ok';
              }
            } else {
              failed++;
              if (cell) {
                cell.textContent = '失敗: ' + (res.json.message || '') + '（' + res.status + '）';
                cell.className = 'result-error';
              }
            }
          },
          function () {
            failed++;
            if (cell) {
              cell.textContent = '失敗: 通信エラー';
              cell.className = 'result-error';
            }
          },
        )
        .then(function () {
          progress.value = i + 1;
          run(i + 1);
        });
    };
    run(0);
  });
})();

/* Intake forms: add / remove mover rows in the browser (without the script the buttons post `op` and the server
   re-renders the form with one row more or less). Rows are renumbered so the names stay m0.…, m1.… in order. */
(function () {
  'use strict';
  Array.prototype.forEach.call(document.querySelectorAll('form[data-rows-prefix]'), function (form) {
    var prefix = form.getAttribute('data-rows-prefix');
    var max = Number(form.getAttribute('data-max-rows') || 12);
    var container = form.querySelector('.mover-rows');
    var rowsInput = form.querySelector('input[name="rows"]');
    var addBtn = form.querySelector('button.row-add');
    if (!container || !rowsInput || !addBtn) return;
    var re = new RegExp('^(f-)?' + prefix + '\\d+([.-]|$)'); // f-m0 (the row) and f-m0-… / m0.… (its fields)
    var renumber = function () {
      var rows = container.querySelectorAll('fieldset.mover');
      Array.prototype.forEach.call(rows, function (row, i) {
        row.setAttribute('data-row', String(i));
        var no = row.querySelector('.row-no');
        if (no) no.textContent = String(i + 1);
        var els = [row].concat(
          Array.prototype.slice.call(row.querySelectorAll('[name], [id], [for], [aria-describedby]')),
        );
        els.forEach(function (el) {
          ['name', 'id', 'for'].forEach(function (a) {
            var v = el.getAttribute(a);
            if (v && re.test(v))
              el.setAttribute(
                a,
                v.replace(re, function (_m, f, sep) {
                  return (f || '') + prefix + i + sep;
                }),
              );
          });
          var d = el.getAttribute('aria-describedby');
          if (d)
            el.setAttribute(
              'aria-describedby',
              d
                .split(' ')
                .map(function (x) {
                  return x.replace(re, function (_m, f, sep) {
                    return (f || '') + prefix + i + sep;
                  });
                })
                .join(' '),
            );
        });
        var rm = row.querySelector('button.row-remove');
        if (rm) {
          rm.value = 'remove-' + i;
          rm.disabled = rows.length <= 1;
        }
      });
      rowsInput.value = String(rows.length);
      addBtn.disabled = rows.length >= max;
    };
    addBtn.addEventListener('click', function (ev) {
      ev.preventDefault();
      var rows = container.querySelectorAll('fieldset.mover');
      if (rows.length >= max) return;
      var copy = rows[rows.length - 1].cloneNode(true);
      Array.prototype.forEach.call(copy.querySelectorAll('input, select'), function (el) {
        if (el.type === 'checkbox' || el.type === 'radio') el.checked = false;
        else if (el.tagName === 'SELECT') el.selectedIndex = 0;
        else el.value = '';
        el.removeAttribute('aria-invalid');
      });
      Array.prototype.forEach.call(copy.querySelectorAll('.field-error'), function (p) {
        p.parentNode.removeChild(p);
      });
      Array.prototype.forEach.call(copy.querySelectorAll('.has-error'), function (d) {
        d.classList.remove('has-error');
      });
      container.appendChild(copy);
      renumber();
      var first = copy.querySelector('input:not([type="hidden"])');
      if (first) first.focus();
    });
    container.addEventListener('click', function (ev) {
      var btn = ev.target.closest ? ev.target.closest('button.row-remove') : null;
      if (!btn) return;
      ev.preventDefault();
      var rows = container.querySelectorAll('fieldset.mover');
      if (rows.length <= 1) return;
      var row = btn.closest('fieldset.mover');
      row.parentNode.removeChild(row);
      renumber();
      addBtn.focus();
    });
  });
})();

// base64url ⇄ bytes for the WebAuthn login and enrolment below (the server speaks base64url, the browser ArrayBuffers).
var toBytes = function (s) {
  var b = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((s.length + 3) % 4));
  return Uint8Array.from(b, function (c) {
    return c.charCodeAt(0);
  });
};
var toB64url = function (buf) {
  var s = '';
  new Uint8Array(buf).forEach(function (x) {
    s += String.fromCharCode(x);
  });
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
};

// The login's second factor (WebAuthn): the terminal's platform authenticator answers a challenge from the server;
// the answer travels in the form's hidden fields. Without an authenticator the form is sent without it (and refused).
(function () {
  var form = document.querySelector('form.login[data-webauthn]');
  if (!form) return;
  var sending = false;
  form.addEventListener('submit', function (ev) {
    if (sending) return;
    ev.preventDefault();
    ev.stopImmediatePropagation();
    sending = true;
    var done = function () {
      form.submit();
    };
    fetch('/api/auth/webauthn/options', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        userId: form.elements.userId.value.trim(),
        terminalId: form.elements.terminalId.value.trim(),
      }),
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (o) {
        form.elements.challengeId.value = o.challengeId;
        var opts = o.options;
        return navigator.credentials.get({
          publicKey: {
            challenge: toBytes(opts.challenge),
            rpId: opts.rpId,
            timeout: opts.timeout,
            userVerification: opts.userVerification,
            allowCredentials: (opts.allowCredentials || []).map(function (c) {
              return { id: toBytes(c.id), type: 'public-key', transports: c.transports };
            }),
          },
        });
      })
      .then(function (c) {
        form.elements.assertion.value = JSON.stringify({
          id: c.id,
          rawId: toB64url(c.rawId),
          type: c.type,
          response: {
            clientDataJSON: toB64url(c.response.clientDataJSON),
            authenticatorData: toB64url(c.response.authenticatorData),
            signature: toB64url(c.response.signature),
            userHandle: c.response.userHandle ? toB64url(c.response.userHandle) : undefined,
          },
          clientExtensionResults: {},
        });
      })
      .then(done, done);
  });
})();

// 生体認証の登録 (security administrator's screen): the user's platform authenticator on this terminal answers the
// server's registration options; the answer goes to /api/staff-auth/credentials with the session's CSRF token.
(function () {
  var form = document.querySelector('form[data-enrol]');
  if (!form) return;
  var error = document.getElementById('enrol-error');
  var fail = function (text) {
    error.textContent = text;
    error.hidden = false;
    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) {
      b.disabled = false;
    });
  };
  // the administrator's screen (a session: CSRF header) or the first enrolment with the installer's code (no session)
  var urls = {
    options: form.getAttribute('data-enrol-options') || '/api/staff-auth/credentials/options',
    submit: form.getAttribute('data-enrol-submit') || '/api/staff-auth/credentials',
    done: form.getAttribute('data-enrol-done') || '/staff-auth?enrolled=1',
  };
  var post = function (url, body) {
    var headers = { 'content-type': 'application/json' };
    if (form.elements._csrf) headers['x-csrf-token'] = form.elements._csrf.value;
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: headers,
      body: JSON.stringify(body),
    }).then(function (r) {
      return r.json().then(function (j) {
        if (!r.ok) throw new Error(j.message || '登録できませんでした。');
        return j;
      });
    });
  };
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    error.hidden = true;
    var challengeId;
    var who = form.elements.code
      ? { code: form.elements.code.value.trim() }
      : { userId: form.elements.userId.value.trim() };
    post(urls.options, who)
      .then(function (o) {
        challengeId = o.challengeId;
        var p = o.options;
        return navigator.credentials.create({
          publicKey: {
            challenge: toBytes(p.challenge),
            rp: p.rp,
            user: { id: toBytes(p.user.id), name: p.user.name, displayName: p.user.displayName },
            pubKeyCredParams: p.pubKeyCredParams,
            timeout: p.timeout,
            attestation: p.attestation,
            authenticatorSelection: p.authenticatorSelection,
            excludeCredentials: (p.excludeCredentials || []).map(function (c) {
              return { id: toBytes(c.id), type: 'public-key' };
            }),
          },
        });
      })
      .then(function (c) {
        return post(urls.submit, {
          challengeId: challengeId,
          response: {
            id: c.id,
            rawId: toB64url(c.rawId),
            type: c.type,
            response: {
              clientDataJSON: toB64url(c.response.clientDataJSON),
              attestationObject: toB64url(c.response.attestationObject),
              transports: c.response.getTransports ? c.response.getTransports() : [],
            },
            clientExtensionResults: {},
          },
        });
      })
      .then(
        function () {
          window.location.assign(urls.done);
        },
        function (e) {
          fail(e && e.message && !/^The |NotAllowed/.test(e.message) ? e.message : '生体認証を登録できませんでした。');
        },
      );
  });
})();
