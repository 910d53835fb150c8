// truenas-gitops status page: live updates and the "sync now" button. The page is complete without this script.
(function () {
  'use strict';
  var TOKEN_KEY = 'truenas-gitops.api-token';

  function storedToken() {
    try { return sessionStorage.getItem(TOKEN_KEY) || ''; } catch (e) { return ''; }
  }
  function storeToken(token) {
    try { if (token) { sessionStorage.setItem(TOKEN_KEY, token); } else { sessionStorage.removeItem(TOKEN_KEY); } } catch (e) { /* private mode */ }
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
          current.innerHTML = fresh.innerHTML;
          Array.prototype.forEach.call(current.querySelectorAll('details > summary'), function (s) {
            if (open.indexOf(s.textContent) >= 0) { s.parentNode.open = true; }
          });
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
          say(body.status === 'queued' ? 'Sync queued: the page updates when it is done.'
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
    live();
  });
})();
