// truenas-gitops status page: live updates, the "sync now" button and a stack's actions (suspend, resume, recent
// logs). The page is complete for reading without this script.
(function () {
  'use strict';
  var TOKEN_KEY = 'truenas-gitops.api-token';

  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }
  // The token is asked once per browser session: it lives in sessionStorage (never on disk), and a tab opened
  // later asks the open tabs of this page for it over a BroadcastChannel (same origin only). Forgetting it, or a
  // refusal, forgets it in every tab.
  var channel = null;
  try { channel = window.BroadcastChannel ? new BroadcastChannel('truenas-gitops.api-token') : null; } catch (e) { channel = null; }
  var tokenListeners = [];
  function tokenChanged() { tokenListeners.forEach(function (f) { f(); }); }
  function storeToken(token, fromOtherTab) {
    try { if (token) { sessionStorage.setItem(TOKEN_KEY, token); } else { sessionStorage.removeItem(TOKEN_KEY); } } catch (e) { /* private mode */ }
    if (channel && !fromOtherTab) { channel.postMessage(token ? { type: 'token', token: token } : { type: 'forget' }); }
    tokenChanged();
  }
  if (channel) {
    channel.onmessage = function (event) {
      var m = event.data || {};
      if (m.type === 'ask' && storedToken()) { channel.postMessage({ type: 'token', token: storedToken() }); }
      else if (m.type === 'token' && typeof m.token === 'string' && m.token && m.token !== storedToken()) { storeToken(m.token, true); }
      else if (m.type === 'forget' && storedToken()) { storeToken('', true); }
    };
    if (!storedToken()) { channel.postMessage({ type: 'ask' }); }
  }

  // ---- live updates: the stream sends a version; when it differs from the page's, the main region is reloaded
  var refreshing = false;
  var pending = false;
  function refresh() {
    if (refreshing) { pending = true; return; }
    refreshing = true;
    fetch(location.href, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, 'text/html').querySelector('main[data-live]');
        var current = document.querySelector('main[data-live]');
        if (fresh && current) {
          // keep what the reader opened (the unified diff) open
          var open = Array.prototype.map.call(current.querySelectorAll('details[open] > summary'),
            function (s) { return s.textContent; });
          // what the reader asked for (the logs, an action's answer) stays as it is
          var kept = Array.prototype.slice.call(current.querySelectorAll('[data-keep][id]'));
          current.innerHTML = fresh.innerHTML;
          kept.forEach(function (old) {
            var now = document.getElementById(old.id);
            if (now && now !== old) { now.parentNode.replaceChild(old, now); }
          });
          Array.prototype.forEach.call(current.querySelectorAll('details > summary'), function (s) {
            if (open.indexOf(s.textContent) >= 0) { s.parentNode.open = true; }
          });
          enhance(current);
          current.setAttribute('data-version', fresh.getAttribute('data-version'));
        }
      })
      .catch(function () { /* the next change tries again */ })
      .then(function () {
        refreshing = false;
        if (pending) { pending = false; refresh(); }
      });
  }

  function live() {
    var main = document.querySelector('main[data-live]');
    var badge = document.querySelector('.live');
    if (!main || !window.EventSource) { return; }
    var source = new EventSource('/status-page/stream');
    source.onopen = function () {
      if (badge) { badge.hidden = false; badge.textContent = 'live'; badge.classList.remove('offline'); }
    };
    source.onmessage = function (event) {
      if (event.data && event.data !== main.getAttribute('data-version')) { refresh(); }
    };
    source.onerror = function () {
      if (badge) { badge.hidden = false; badge.textContent = 'reconnecting…'; badge.classList.add('offline'); }
    };
  }

  // ---- sync now: POST to the REST API with the token kept in this tab's sessionStorage
  function problemText(response) {
    return response.json().then(function (body) { return body.detail || body.title || ('HTTP ' + response.status); },
      function () { return 'HTTP ' + response.status; });
  }

  function syncForm(form) {
    var field = form.querySelector('.token-field');
    var input = form.querySelector('input[name=token]');
    var button = form.querySelector('button[type=submit]');
    var forget = form.querySelector('.forget');
    var result = form.querySelector('.sync-result');
    function showTokenField() {
      var known = !!storedToken();
      field.hidden = known;
      forget.hidden = !known;
    }
    function say(text, failed) {
      result.textContent = text;
      result.classList.toggle('failed', !!failed);
    }
    form.hidden = false;
    showTokenField();
    tokenListeners.push(showTokenField);
    forget.addEventListener('click', function () { storeToken(''); showTokenField(); say('Token forgotten.'); input.focus(); });
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var token = input.value.trim() || storedToken();
      if (!token) { say('Enter the API token to sync.', true); input.focus(); return; }
      button.disabled = true;
      say('Asking the daemon to sync…');
      fetch(form.getAttribute('data-endpoint'), {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' }
      }).then(function (response) {
        if (response.status === 401 || response.status === 403) {
          storeToken('');
          return problemText(response).then(function (text) { say('Not synced: ' + text, true); });
        }
        if (!response.ok) {
          return problemText(response).then(function (text) { say('Not synced: ' + text, true); });
        }
        storeToken(token);
        input.value = '';
        return response.json().then(function (body) {
          say(body.status === 'queued' ? 'Sync queued (drift is reverted): the page updates when it is done.'
            : 'Sync done: ' + (body.result || 'completed') + '.');
          refresh();
        });
      }).catch(function () {
        say('Not synced: the daemon did not answer.', true);
      }).then(function () {
        button.disabled = false;
        showTokenField();
      });
    });
  }

  // ---- the stack page's actions: suspend, resume, recent logs; with the token of the sync form
  function tokenForAction() {
    var input = document.getElementById('sync-token');
    var typed = input ? input.value.trim() : '';
    return typed || storedToken();
  }

  function sayAction(text, failed) {
    var result = document.getElementById('action-result');
    if (!result) { return; }
    result.textContent = text;
    result.classList.toggle('failed', !!failed);
  }

  function showLogs(body) {
    var section = document.getElementById('logs');
    if (!section) { return; }
    var note = section.querySelector('.logs-note');
    var out = section.querySelector('.logs-body');
    out.textContent = '';
    var containers = body.containers || [];
    note.textContent = containers.length === 0
      ? 'The app has no containers now (stopped, or not on the NAS): nothing to show.'
      : 'The last ' + body.lines + ' lines of each container, read just now; secret values show as ***.';
    containers.forEach(function (c) {
      var h = document.createElement('h3');
      h.textContent = (c.service || '?') + ' ';
      var id = document.createElement('code');
      id.textContent = c.container || '';
      h.appendChild(id);
      if (c.state) { var st = document.createElement('span'); st.className = 'sub'; st.textContent = c.state; h.appendChild(st); }
      out.appendChild(h);
      if (c.error) {
        var e = document.createElement('p'); e.className = 'error'; e.textContent = 'Not read: ' + c.error; out.appendChild(e);
      }
      var pre = document.createElement('pre');
      pre.className = 'log';
      pre.tabIndex = 0;
      pre.setAttribute('aria-label', 'Log of ' + (c.service || 'container') + ' ' + (c.container || ''));
      pre.textContent = (c.lines || []).length ? c.lines.join('\n') : '(no lines)';
      out.appendChild(pre);
    });
    section.hidden = false;
  }

  var actionBusy = false;
  function runAction(button) {
    if (actionBusy) { return; }
    var token = tokenForAction();
    var kind = button.getAttribute('data-action');
    if (!token) {
      sayAction('Enter the API token (at the top of the page) first, then press “' + button.textContent + '” again.', true);
      var input = document.getElementById('sync-token');
      if (input) { input.focus(); }
      return;
    }
    actionBusy = true;
    button.disabled = true;
    var label = kind === 'logs' ? 'Reading the logs…' : kind === 'suspend' ? 'Suspending…' : 'Resuming…';
    sayAction(label);
    fetch(button.getAttribute('data-endpoint'), {
      method: kind === 'logs' ? 'GET' : 'POST', credentials: 'same-origin',
      headers: { 'Authorization': 'Bearer ' + token, 'Accept': 'application/json' }
    }).then(function (response) {
      if (!response.ok) {
        if (response.status === 401 || response.status === 403) { storeToken(''); }
        return problemText(response).then(function (text) {
          sayAction((kind === 'logs' ? 'No logs: ' : 'Not done: ') + text, true);
        });
      }
      if (tokenForAction() !== storedToken()) { storeToken(token); }
      var input = document.getElementById('sync-token');
      if (input) { input.value = ''; }
      return response.json().then(function (body) {
        if (kind === 'logs') {
          showLogs(body);
          sayAction('Logs read.');
          var first = document.querySelector('#logs pre.log');
          if (first) { first.focus(); }
        } else {
          sayAction(body.message ? body.message.charAt(0).toUpperCase() + body.message.slice(1) + '.' : 'Done.');
          refresh();
        }
      });
    }).catch(function () {
      sayAction('Not done: the daemon did not answer.', true);
    }).then(function () {
      actionBusy = false;
      button.disabled = false;
    });
  }

  function enhance(root) {
    Array.prototype.forEach.call(root.querySelectorAll('[data-actions]'), function (card) { card.hidden = false; });
  }

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('button[data-action]') : null;
    if (button) { event.preventDefault(); runAction(button); }
  });

  function signInForm(form) {
    // the same token serves the sync button of this tab
    form.addEventListener('submit', function () {
      var input = form.querySelector('input[name=token]');
      if (input && input.value.trim()) { storeToken(input.value.trim()); }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('form.sync'), syncForm);
    Array.prototype.forEach.call(document.querySelectorAll('form.signin'), signInForm);
    enhance(document);
    live();
  });
})();
