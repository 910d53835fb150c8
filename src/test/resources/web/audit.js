// Accessibility audit of the status page, run in the page by StatusPageBrowserIT. Returns the problems found:
// missing language or title, missing landmarks, unlabelled controls, links without text, and text whose contrast
// against its (effective) background is below 4.5:1 (WCAG 2 AA for normal text). Written for this project.
(function () {
  var problems = [];
  var measured = [];

  function visible(el) {
    var style = getComputedStyle(el);
    return el.getClientRects().length > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  }
  function describe(el) {
    return el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string'
      ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"';
  }

  // document
  if (!document.documentElement.lang) { problems.push('html has no lang'); }
  if (!document.title.trim()) { problems.push('the page has no title'); }

  // landmarks: one main, a banner (header) and a contentinfo (footer) outside of it
  if (document.querySelectorAll('main').length !== 1) { problems.push('expected exactly one main landmark'); }
  if (!document.querySelector('body > header')) { problems.push('no banner landmark (body > header)'); }
  if (!document.querySelector('body > footer')) { problems.push('no contentinfo landmark (body > footer)'); }
  if (!document.querySelector('h1')) { problems.push('no h1'); }
  document.querySelectorAll('section').forEach(function (s) {
    var id = s.getAttribute('aria-labelledby');
    if (!id || !document.getElementById(id)) { problems.push('section without a heading that names it: ' + describe(s)); }
  });

  // every control has an accessible name
  function name(el) {
    var label = el.getAttribute('aria-label');
    if (label && label.trim()) { return label.trim(); }
    var by = el.getAttribute('aria-labelledby');
    if (by) {
      var text = by.split(/\s+/).map(function (id) { var t = document.getElementById(id); return t ? t.textContent : ''; }).join(' ').trim();
      if (text) { return text; }
    }
    if (el.labels && el.labels.length) {
      var fromLabels = Array.prototype.map.call(el.labels, function (l) { return l.textContent; }).join(' ').trim();
      if (fromLabels) { return fromLabels; }
    }
    if (el.tagName === 'BUTTON' || el.tagName === 'A' || el.tagName === 'SUMMARY') { return (el.textContent || '').trim(); }
    if (el.tagName === 'INPUT' && (el.type === 'submit' || el.type === 'button')) { return (el.value || '').trim(); }
    return (el.getAttribute('title') || '').trim();
  }
  document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], summary, [tabindex]').forEach(function (el) {
    if (!name(el)) { problems.push('control without an accessible name: ' + describe(el)); }
  });
  document.querySelectorAll('form').forEach(function (f) {
    if (f.classList.contains('sync') && !f.getAttribute('aria-label')) { problems.push('sync form without a name'); }
  });

  // contrast
  function rgba(text) {
    var m = text.match(/rgba?\(([^)]+)\)/);
    if (!m) { return null; }
    var p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function background(el) {
    for (var e = el; e; e = e.parentElement) {
      var c = rgba(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) { return c; }
    }
    return rgba(getComputedStyle(document.documentElement).backgroundColor) || { r: 255, g: 255, b: 255, a: 1 };
  }
  function luminance(c) {
    function ch(v) { v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
    return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
  }
  function ratio(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  var selector = '.badge, .cond, a, .muted, .sub, .msg, .reason-msg, .error, .ok, .hint, .live, th, td, dt, dd, h1, h2, p, code, .event time, .button';
  document.querySelectorAll(selector).forEach(function (el) {
    if (!visible(el) || !(el.textContent || '').trim()) { return; }
    var fg = rgba(getComputedStyle(el).color);
    var bg = background(el);
    var r = ratio(fg, bg);
    measured.push({ element: describe(el), ratio: Math.round(r * 100) / 100 });
    if (r < 4.5) { problems.push('contrast ' + r.toFixed(2) + ':1 below 4.5:1: ' + describe(el)); }
  });
  return { problems: problems, measured: measured.length };
})()
