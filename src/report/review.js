// The change review page's table: reads the rows from the JSON block and shows them a page
// at a time, filtered by text and by state. IDs are only ever set as text (textContent),
// never as HTML. The address's fragment holds the filter (#filter=Alice&state=changed&page=2),
// so a filtered view can be linked, and is read when the page opens.
(function () {
  'use strict';
  var PAGE = 100;
  var data = JSON.parse(document.getElementById('review-data').textContent);
  // A row: [desktop ID, state, status (index in data.statuses, or -1), users before, users
  // after], users as indices in data.users.
  // States are named in the address by data.states, shown by data.labels.
  var rows = data.rows, users = data.users, states = data.states;
  var labels = data.labels || states;
  var filterBox = document.getElementById('filter');
  var stateBox = document.getElementById('state');
  var table = document.getElementById('table');
  var shown = document.getElementById('shown');
  var pageLabel = document.getElementById('page');
  var prev = document.getElementById('prev');
  var next = document.getElementById('next');
  var lowerIds = null, lowerUsers = null;
  var matching = [], page = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function figure(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  }

  // The state filter, with each state's count.
  var counts = states.map(function () { return 0; });
  for (var i = 0; i < rows.length; i++) counts[rows[i][1]]++;
  states.forEach(function (_, s) {
    var option = el('option', '', labels[s] + ' (' + figure(counts[s]) + ')');
    option.value = String(s);
    stateBox.appendChild(option);
  });

  // The rows that match the text (in the desktop ID or any user's, without case) and the
  // state; every row when both are empty.
  function select(text, state) {
    var q = text.trim().toLowerCase();
    var s = state === '' ? -1 : Number(state);
    var userHit = null;
    if (q) {
      if (!lowerIds) {
        lowerIds = rows.map(function (r) { return r[0].toLowerCase(); });
        lowerUsers = users.map(function (u) { return u.toLowerCase(); });
      }
      userHit = new Uint8Array(users.length);
      for (var j = 0; j < users.length; j++) {
        if (lowerUsers[j].indexOf(q) !== -1) userHit[j] = 1;
      }
    }
    var out = [];
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i];
      if (s >= 0 && r[1] !== s) continue;
      if (q && lowerIds[i].indexOf(q) === -1 && !anyHit(r[3], userHit) && !anyHit(r[4], userHit)) continue;
      out.push(i);
    }
    return out;
  }

  function anyHit(list, hit) {
    for (var k = 0; k < list.length; k++) if (hit[list[k]]) return true;
    return false;
  }

  // A list of users, each marked when it is not in `other` (added after, removed before).
  function userCell(list, other, mark) {
    var cell = el('td', 'users');
    if (list.length === 0) {
      cell.appendChild(el('span', 'none', '(none)'));
      return cell;
    }
    var others = {};
    for (var k = 0; k < other.length; k++) others[other[k]] = true;
    for (var m = 0; m < list.length; m++) {
      if (m > 0) cell.appendChild(document.createTextNode(', '));
      var changed = mark && !others[list[m]];
      cell.appendChild(el('span', changed ? mark : '', users[list[m]]));
    }
    return cell;
  }

  function render() {
    var pages = Math.max(1, Math.ceil(matching.length / PAGE));
    if (page >= pages) page = pages - 1;
    if (page < 0) page = 0;
    var grid = el('table', data.fleet ? 'fleet' : 'plan');
    var head = el('tr');
    var columns = data.fleet ? ['#', 'Desktop', 'State', 'Users before', '', 'Users after'] : ['#', 'Desktop', 'State', 'Users'];
    columns.forEach(function (c) { head.appendChild(el('th', '', c)); });
    var thead = el('thead');
    thead.appendChild(head);
    grid.appendChild(thead);
    var body = el('tbody');
    var end = Math.min(matching.length, (page + 1) * PAGE);
    for (var k = page * PAGE; k < end; k++) {
      var i = matching[k], r = rows[i];
      var tr = el('tr');
      tr.appendChild(el('td', 'n', String(i + 1)));
      tr.appendChild(el('td', 'id', r[0]));
      var state = el('td', 'state');
      state.appendChild(el('span', 'badge st' + r[1], states[r[1]]));
      if (r[2] >= 0 && r[1] >= 3) state.appendChild(el('span', 'status', data.statuses[r[2]]));
      tr.appendChild(state);
      if (data.fleet) {
        tr.appendChild(userCell(r[3], r[4], 'del'));
        tr.appendChild(el('td', 'arrow', '\u2192'));
        tr.appendChild(userCell(r[4], r[3], 'add'));
      } else {
        tr.appendChild(userCell(r[4], r[4], ''));
      }
      body.appendChild(tr);
    }
    grid.appendChild(body);
    table.replaceChildren(grid);
    var from = matching.length ? page * PAGE + 1 : 0;
    shown.textContent = figure(matching.length) + ' of ' + figure(rows.length) + ' desktops match' +
      (matching.length ? '; showing ' + figure(from) + '\u2013' + figure(end) : '');
    pageLabel.textContent = 'page ' + figure(page + 1) + ' of ' + figure(pages);
    prev.disabled = page === 0;
    next.disabled = page >= pages - 1;
  }

  // The view as the address's fragment says, and the fragment as the view is.
  function readFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ''));
    filterBox.value = params.get('filter') || '';
    var state = params.get('state') || '';
    var index = states.indexOf(state);
    stateBox.value = index >= 0 ? String(index) : '';
    page = Math.max(0, (Number(params.get('page')) || 1) - 1);
  }

  function writeFragment() {
    var params = new URLSearchParams();
    if (filterBox.value) params.set('filter', filterBox.value);
    if (stateBox.value !== '') params.set('state', states[Number(stateBox.value)]);
    if (page > 0) params.set('page', String(page + 1));
    var hash = params.toString();
    try {
      history.replaceState(null, '', hash ? '#' + hash : location.pathname + location.search);
    } catch (e) {
      // An address that cannot be rewritten (some viewers of attachments): the view still works.
    }
  }

  function update() {
    matching = select(filterBox.value, stateBox.value);
    render();
  }

  var timer = 0;
  filterBox.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { page = 0; update(); writeFragment(); }, 150);
  });
  stateBox.addEventListener('change', function () { page = 0; update(); writeFragment(); });
  prev.addEventListener('click', function () { page--; render(); writeFragment(); });
  next.addEventListener('click', function () { page++; render(); writeFragment(); });
  window.addEventListener('hashchange', function () { readFragment(); update(); });

  readFragment();
  update();
  // When the table's first rows were made, and when they were first drawn (the frame after
  // them), in milliseconds from the start of navigation: for measuring large pages.
  var root = document.documentElement;
  root.setAttribute('data-table-ms', String(Math.round(performance.now())));
  requestAnimationFrame(function () {
    requestAnimationFrame(function () {
      root.setAttribute('data-drawn-ms', String(Math.round(performance.now())));
    });
  });
})();
