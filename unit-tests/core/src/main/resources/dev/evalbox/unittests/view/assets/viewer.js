// evalbox view: the runs page, a run's page and a task's page, from data scripts the server answers
// or a bundle holds (data/runs.js, data/run/KEY.js, data/task/KEY/N.js). A plain script, not a module:
// module scripts do not load from file://, and the bundle must open from there. Everything from a run
// is put on the page as text (textContent); the one exception is a task's transcript, which the server
// rendered with everything escaped, and the model's pages inside it are in sandboxed frames.
(function () {
  'use strict';
  var live = !!window.evalboxLive;
  var POLL_MS = 1000;
  var FIRST_ROWS = 200;
  var pending = {};
  var runs = {};          // key -> {summary, rows: {}, order: [], lines: 0}
  var generation = 0;     // bumped on every page change; a poll of an older page stops
  var app = document.getElementById('app');

  window.evalbox = {
    receive: function (name, data) {
      var waiting = pending[name] || [];
      delete pending[name];
      waiting.forEach(function (resolve) { resolve(data); });
    }
  };

  function load(name, query) {
    return new Promise(function (resolve, reject) {
      (pending[name] = pending[name] || []).push(resolve);
      var script = document.createElement('script');
      script.src = name + (live && query ? query : '');
      script.onload = function () { script.remove(); };
      script.onerror = function () { script.remove(); delete pending[name]; reject(new Error('cannot load ' + name)); };
      document.head.appendChild(script);
    });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k];
      else if (k === 'class') node.className = attrs[k];
      else if (k.slice(0, 2) === 'on') node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { if (c != null) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function measured(name, start) {
    // after the browser has laid out and painted what was rendered
    requestAnimationFrame(function () {
      setTimeout(function () {
        try { performance.measure(name, {start: start}); } catch (e) { /* a browser without measure options */ }
        document.body.setAttribute('data-rendered', name);
      }, 0);
    });
  }

  function fmt(x) {
    if (x == null) return '-';
    if (typeof x === 'number') return Math.abs(x) >= 100 || Number.isInteger(x) ? String(Math.round(x * 10) / 10) : x.toFixed(2);
    return String(x);
  }

  function badge(status) {
    return el('span', {'class': 'badge ' + (status === 'failed' ? 'failed-run' : status), text: status});
  }

  // ---------------------------------------------------------------- runs page

  // what the reader chose on the runs page: kept across its live redraws (and across pages)
  var runsState = {sort: 'started', desc: true, benchmark: '', model: '', compareA: '', compareB: ''};

  function runsPage() {
    var gen = generation;
    var start = performance.now();
    document.getElementById('where').textContent = '';
    var first = true;
    var drawn = null;
    function poll() {
      load('data/runs.js', '?t=' + Date.now()).then(function (data) {
        if (gen !== generation) return;
        // drawn again only when a run changed: a redraw would close an open list and move the reader's focus
        var text = JSON.stringify(data.runs);
        if (text !== drawn) { drawRuns(data.runs); drawn = text; }
        if (first) { measured('evalbox-runs', start); first = false; }
        if (live) setTimeout(poll, POLL_MS);
      }, function (e) { if (gen === generation) fail(e); });
    }
    poll();
  }

  function drawRuns(list) {
    var benchmarks = unique(list.map(function (r) { return r.benchmark; }));
    var models = unique(list.map(function (r) { return r.model; }));
    var shown = list.filter(function (r) {
      return (!runsState.benchmark || r.benchmark === runsState.benchmark) && (!runsState.model || r.model === runsState.model);
    });
    shown.sort(function (a, b) {
      var x = a[runsState.sort], y = b[runsState.sort];
      var c = x == null ? -1 : y == null ? 1 : x < y ? -1 : x > y ? 1 : 0;
      return runsState.desc ? -c : c;
    });
    clear(app);
    app.appendChild(el('h1', {text: 'Runs'}));
    app.appendChild(el('div', {'class': 'filters'}, [
      'benchmark ', select('filter-benchmark', benchmarks, runsState.benchmark, function (v) { runsState.benchmark = v; drawRuns(list); }),
      ' model ', select('filter-model', models, runsState.model, function (v) { runsState.model = v; drawRuns(list); }),
      el('span', {id: 'runs-count', 'class': 'muted', text: shown.length + ' of ' + list.length + ' runs'})
    ]));
    var columns = [['path', 'run'], ['benchmark', 'benchmark'], ['model', 'model'], ['status', 'status'], ['started', 'started'],
      ['done', 'tasks'], [null, 'headline metrics']];
    var head = el('tr', {}, columns.map(function (c) {
      if (!c[0]) return el('th', {text: c[1]});
      var mark = runsState.sort === c[0] ? (runsState.desc ? ' ▾' : ' ▴') : '';
      return el('th', {'class': 'sortable', 'data-sort': c[0], text: c[1] + mark, onclick: function () {
        runsState.desc = runsState.sort === c[0] ? !runsState.desc : false;
        runsState.sort = c[0];
        drawRuns(list);
      }});
    }));
    var body = el('tbody');
    shown.forEach(function (r) {
      body.appendChild(el('tr', {'data-key': r.key}, [
        el('td', {}, [el('a', {href: '#/run/' + r.key, text: r.path})]),
        el('td', {text: r.benchmark_title}), el('td', {text: r.model}), el('td', {}, [badge(r.status)]),
        el('td', {text: (r.started || '').replace('T', ' ').slice(0, 16)}),
        el('td', {'class': 'done', text: r.done + ' of ' + (r.total == null ? '?' : r.total)}),
        el('td', {'class': 'metrics', text: headline(r)})
      ]));
    });
    app.appendChild(el('table', {id: 'runs'}, [el('thead', {}, [head]), body]));
    // two runs of one benchmark, side by side: the run a compare starts from, then each run of the same benchmark to compare it with
    var pick = el('select', {id: 'compare-a'}, [el('option', {value: '', text: 'compare run…'})].concat(list.map(function (r) {
      return el('option', {value: r.key, text: r.path + ' (' + r.benchmark + ')'});
    })));
    var other = el('select', {id: 'compare-b'}, [el('option', {value: '', text: 'with run…'})]);
    var go = el('a', {id: 'compare-go', text: 'compare'});
    function offer() {
      var a = list.filter(function (r) { return r.key === pick.value; })[0];
      clear(other);
      other.appendChild(el('option', {value: '', text: 'with run…'}));
      list.filter(function (r) { return a && r.key !== a.key && r.benchmark === a.benchmark; }).forEach(function (r) {
        other.appendChild(el('option', {value: r.key, text: r.path + ' · ' + r.model}));
      });
    }
    function link() {
      if (pick.value && other.value) go.setAttribute('href', '#/compare/' + pick.value + '/' + other.value);
      else go.removeAttribute('href');
    }
    pick.onchange = function () { runsState.compareA = pick.value; runsState.compareB = ''; offer(); link(); };
    other.onchange = function () { runsState.compareB = other.value; link(); };
    // a redraw keeps the runs already picked (a value no longer listed falls back to none)
    pick.value = runsState.compareA;
    offer();
    other.value = runsState.compareB;
    link();
    app.appendChild(el('p', {'class': 'filters', id: 'compare-pick'}, ['two runs of one benchmark, side by side: ', pick, ' ', other, ' ', go]));
  }

  function headline(r) {
    var parts = [];
    Object.keys(r.metrics || {}).slice(0, 4).forEach(function (k) {
      var v = r.metrics[k];
      parts.push(k + ' ' + (typeof v === 'object' && v ? fmt(v.value) + (v.interval ? ' [' + v.interval.map(fmt).join(', ') + ']' : '') : fmt(v)));
    });
    if (!parts.length) {
      var c = r.counts || {};
      var graded = (c.passed || 0) + (c.failed || 0) + (c.error || 0);
      if (graded) parts.push('passed ' + fmt(100 * (c.passed || 0) / graded) + '% (' + (c.passed || 0) + '/' + graded + ')');
      if (r.mean_score != null) parts.push('mean score ' + fmt(r.mean_score));
    }
    return parts.join(' · ');
  }

  function unique(values) { return values.filter(function (v, i) { return v != null && values.indexOf(v) === i; }).sort(); }

  function select(id, values, current, onchange, allLabel) {
    var node = el('select', {id: id, onchange: function () { onchange(node.value); }},
      [el('option', {value: '', text: allLabel || 'all'})].concat(values.map(function (v) { return el('option', {value: v, text: v}); })));
    node.value = current;
    return node;
  }

  // ---------------------------------------------------------------- run page

  function runData(key) {
    var run = runs[key] || (runs[key] = {summary: null, rows: {}, order: [], search: {}, lines: 0});
    return load('data/run/' + key + '.js', '?from=' + run.lines + '&t=' + Date.now()).then(function (data) {
      performance.mark('evalbox-run-data');
      run.summary = data;
      var added = data.rows.length > 0;
      data.rows.forEach(function (r) {
        var id = r[1] + '\u0000' + r[2] + '\u0000' + r[10]; // an attempt: task, sample and epoch (--epochs: every one listed)
        if (!(id in run.rows)) run.order.push(id);
        run.rows[id] = r;
        if (run.search[id] !== undefined) run.search[id] = undefined; // made again on the first text filter that needs it
      });
      run.lines = data.from + data.rows.length;
      // rows sent before the server had read the final answers: ask for all rows again once it has
      if (!data.answers_ready) run.answersPending = true;
      else if (run.answersPending) { run.answersPending = false; run.lines = 0; }
      return {run: run, added: added};
    });
  }

  var filters = {status: '', category: '', difficulty: '', epoch: '', text: '', sort: 'task'};

  function runPage(key) {
    var gen = generation;
    var start = performance.now();
    var first = true;
    var view = null;
    function poll() {
      runData(key).then(function (got) {
        if (gen !== generation) return;
        if (first || got.added || statusChanged(view, got.run)) view = drawRun(key, got.run, view);
        if (first) { measured('evalbox-run', start); first = false; }
        if (live) setTimeout(poll, POLL_MS);
      }, function (e) { if (gen === generation) fail(e); });
    }
    poll();
  }

  function searchText(run, id) {
    var text = run.search[id];
    if (text === undefined) {
      var r = run.rows[id];
      text = run.search[id] = (r[1] + ' ' + (r[6] || '') + ' ' + (r[7] || '')).toLowerCase();
    }
    return text;
  }

  function statusChanged(view, run) { return view && view.status !== run.summary.status; }

  // previous: what drawRun returned when it last drew this page (a live run is drawn again as rows arrive)
  function drawRun(key, run, previous) {
    var d = run.summary;
    // the reader's place survives the redraw: the rows asked for with "show more", and the search field being typed in
    var active = document.activeElement;
    var typing = active && active.id === 'filter-text' ? {start: active.selectionStart, end: active.selectionEnd} : null;
    document.getElementById('where').textContent = d.path;
    var all = run.order.map(function (id) { return run.rows[id]; });
    clear(app);
    app.appendChild(el('h1', {id: 'run-title'}, [d.benchmark_title + ' · ' + d.model + ' ', badge(d.status)]));
    app.appendChild(el('p', {'class': 'muted', text: d.dir + ' · started ' + (d.started || '?') + ' · ' + d.done + ' of ' + (d.total == null ? '?' : d.total) + ' tasks done'}));
    // the cards and the charts: rendered by evalbox (RunSummaryHtml, every name escaped), as the notebook's run view shows them
    var summary = el('div', {id: 'run-summary'});
    summary.innerHTML = d.summary_html;
    app.appendChild(summary);
    var categories = unique(all.map(function (r) { return r[4]; }));
    var difficulties = unique(all.map(function (r) { return r[5]; }));
    var statuses = unique(all.map(function (r) { return r[3]; }));
    var epochs = unique(all.map(function (r) { return String(r[10]); })).sort(function (x, y) { return x - y; });
    var byEpoch = epochs.length > 1;
    if (!byEpoch) filters.epoch = '';
    var count = el('span', {id: 'task-count', 'class': 'muted'});
    var tbody = el('tbody');
    var more = el('button', {'class': 'more', id: 'show-more'});
    var limit = previous ? previous.limit() : FIRST_ROWS;
    function apply(mark) {
      var start = performance.now();
      var text = filters.text.toLowerCase();
      var ids = run.order.filter(function (id) {
        var r = run.rows[id];
        return (!filters.status || r[3] === filters.status) && (!filters.category || r[4] === filters.category)
          && (!filters.difficulty || r[5] === filters.difficulty) && (!filters.epoch || String(r[10]) === filters.epoch)
          && (!text || searchText(run, id).indexOf(text) >= 0);
      });
      var rows = ids.map(function (id) { return run.rows[id]; });
      if (filters.sort === 'status') rows.sort(function (a, b) { return a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : a[0] - b[0]; });
      else if (filters.sort === 'score') rows.sort(function (a, b) { return (b[8] == null ? -1e9 : b[8]) - (a[8] == null ? -1e9 : a[8]); });
      else if (filters.sort === 'turns') rows.sort(function (a, b) { return (b[9] || 0) - (a[9] || 0); });
      count.textContent = rows.length + ' of ' + all.length + ' shown';
      count.setAttribute('data-count', rows.length);
      clear(tbody);
      var fragment = document.createDocumentFragment();
      rows.slice(0, limit).forEach(function (r) {
        var cells = [el('td', {}, [el('a', {href: '#/run/' + key + '/task/' + r[0] + (byEpoch ? '/' + r[10] : ''), text: r[1]})]),
          el('td', {text: r[2] ? String(r[2]) : ''})];
        if (byEpoch) cells.push(el('td', {'class': 'epoch', text: String(r[10])}));
        fragment.appendChild(el('tr', {'data-task': r[1], 'data-status': r[3], 'data-epoch': String(r[10])}, cells.concat([
          el('td', {}, [badge(r[3])]), el('td', {text: r[8] == null ? '' : fmt(r[8])}),
          el('td', {text: r[9] == null ? '' : String(r[9])}), el('td', {text: r[4] || ''}), el('td', {text: r[5] || ''}),
          el('td', {'class': 'reason', text: r[6] || ''}), el('td', {'class': 'answer', text: r[7] || ''})])));
      });
      tbody.appendChild(fragment);
      more.textContent = 'show ' + Math.min(500, rows.length - limit) + ' more';
      more.style.display = rows.length > limit ? '' : 'none';
      if (mark) measured('evalbox-filter', start);
    }
    more.addEventListener('click', function () { limit += 500; apply(false); });
    var search = el('input', {type: 'search', id: 'filter-text', placeholder: 'task id, reason or answer', value: filters.text});
    search.addEventListener('input', function () { filters.text = search.value; limit = FIRST_ROWS; apply(true); });
    function on(name) { return function (v) { filters[name] = v; limit = FIRST_ROWS; apply(true); }; }
    var sort = select('sort', ['status', 'score', 'turns'], filters.sort === 'task' ? '' : filters.sort, function (v) { filters.sort = v || 'task'; apply(true); }, 'task');
    app.appendChild(el('h2', {text: byEpoch ? 'Attempts (a line per task and epoch)' : 'Tasks'}));
    var choices = {status: select('filter-status', statuses, filters.status, on('status')),
      category: select('filter-category', categories, filters.category, on('category')),
      difficulty: select('filter-difficulty', difficulties, filters.difficulty, on('difficulty')),
      epoch: byEpoch ? select('filter-epoch', epochs, filters.epoch, on('epoch')) : null};
    // filters carry over from the run page shown before; one whose value this run lacks shows "all", and so is dropped
    Object.keys(choices).forEach(function (name) { if (choices[name]) filters[name] = choices[name].value; });
    app.appendChild(el('div', {'class': 'filters'}, [
      'status ', choices.status, ' category ', choices.category, ' difficulty ', choices.difficulty,
      byEpoch ? ' epoch ' : null, choices.epoch, search, ' sort by ', sort, count]));
    var head = el('tr', {}, ['task', 'sample'].concat(byEpoch ? ['epoch'] : []).concat(['status', 'score', 'turns', 'category', 'difficulty', 'reason', 'answer']).map(function (h) { return el('th', {text: h}); }));
    app.appendChild(el('table', {id: 'tasks'}, [el('thead', {}, [head]), tbody]));
    app.appendChild(more);
    apply(false);
    if (typing) { search.focus(); search.setSelectionRange(typing.start, typing.end); }
    return {status: d.status, limit: function () { return limit; }};
  }

  // ---------------------------------------------------------------- task page

  function taskPage(key, number, epoch) {
    var gen = generation;
    var start = performance.now();
    load('data/task/' + key + '/' + number + '.js').then(function (task) {
      if (gen !== generation) return;
      document.getElementById('where').textContent = task.run_path + ' · ' + task.task_id;
      var next = task.next_failed;
      var previous = task.previous_failed;
      clear(app);
      app.appendChild(el('div', {'class': 'nav'}, [
        el('a', {href: '#/run/' + key, id: 'back', text: '← ' + task.run_title}),
        previous == null ? null : el('a', {href: '#/run/' + key + '/task/' + previous, id: 'previous-failed', text: '‹ previous failed'}),
        next == null ? null : el('a', {href: '#/run/' + key + '/task/' + next, id: 'next-failed', text: 'next failed ›'}),
        el('span', {'class': 'keys'}, [el('kbd', {text: 'n'}), ' next failed ', el('kbd', {text: 'p'}), ' previous failed ', el('kbd', {text: 'u'}), ' back to the run'])]));
      app.appendChild(el('h1', {id: 'task-title', text: 'task ' + task.task_id}));
      var body = el('div', {id: 'transcript'});
      body.innerHTML = task.html; // rendered by evalbox with every piece of run text escaped (TaskTranscript)
      app.appendChild(body);
      // an attempt's line of the run page (--epochs): its epoch's events in view and marked
      var heading = epoch != null && body.querySelector('#epoch-' + epoch);
      if (heading) { heading.classList.add('target'); heading.scrollIntoView(); }
      keys = {next: next, previous: previous, key: key};
      measured('evalbox-task', start);
    }, function (e) { if (gen === generation) fail(e); });
  }

  var keys = null;
  document.addEventListener('keydown', function (e) {
    if (!keys || e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test((e.target || {}).tagName || '')) return;
    var target = null;
    if ((e.key === 'n' || e.key === 'j') && keys.next != null) target = keys.next;
    if ((e.key === 'p' || e.key === 'k') && keys.previous != null) target = keys.previous;
    if (target != null) location.hash = '#/run/' + keys.key + '/task/' + target;
    if (e.key === 'u') location.hash = '#/run/' + keys.key;
  });

  document.addEventListener('click', function (e) {
    var code = e.target && e.target.closest && e.target.closest('code.copy');
    if (code && navigator.clipboard) navigator.clipboard.writeText(code.textContent).catch(function () { /* no clipboard: select instead */ });
    if (code) window.getSelection().selectAllChildren(code);
  });

  // ---------------------------------------------------------------- compare: `evalbox compare`'s page, flipped tasks side by side

  function comparePage(a, b) {
    var gen = generation;
    var start = performance.now();
    load('data/compare/' + a + '/' + b + '.js').then(function (c) {
      if (gen !== generation) return;
      clear(app);
      document.getElementById('where').textContent = '';
      app.appendChild(el('div', {'class': 'nav'}, [el('a', {href: '#/', text: '← runs'})]));
      app.appendChild(el('h1', {id: 'compare-title', text: 'Compare'}));
      app.appendChild(el('p', {}, ['A: ', el('a', {href: '#/run/' + a, text: c.a_title}), ' · B: ', el('a', {href: '#/run/' + b, text: c.b_title})]));
      if (c.error) {
        app.appendChild(el('p', {'class': 'error', id: 'compare-error', text: c.error}));
      } else {
        // the content of `evalbox compare`'s page, rendered by evalbox (CompareReport, every piece of run text
        // escaped) with its links to this viewer's pages: the same numbers and flipped tasks as the notebook shows
        var report = el('div', {id: 'compare-report'});
        report.innerHTML = c.html;
        app.appendChild(report);
      }
      measured('evalbox-compare', start);
    }, function (e) { if (gen === generation) fail(e); });
  }

  function compareTask(a, b, index, side, epoch) {
    var gen = generation;
    var start = performance.now();
    load('data/compare/' + a + '/' + b + '.js').then(function (c) {
      var task = c.pair && c.pair.flipped[index];
      if (task == null) throw new Error('no flipped task ' + index);
      var numbers = c.numbers[task];
      return Promise.all([load('data/task/' + a + '/' + numbers[0] + '.js'), load('data/task/' + b + '/' + numbers[1] + '.js')]).then(function (both) {
        if (gen !== generation) return;
        clear(app);
        app.appendChild(el('div', {'class': 'nav'}, [el('a', {href: '#/compare/' + a + '/' + b, id: 'back', text: '← the comparison'})]));
        app.appendChild(el('h1', {id: 'task-title', text: 'task ' + task + ': A and B'}));
        app.appendChild(el('div', {'class': 'side-by-side', id: 'side-by-side'}, both.map(function (t, i) {
          var column = el('div', {'class': 'column', id: i === 0 ? 'transcript-a' : 'transcript-b'}, [el('h2', {text: (i === 0 ? 'A: ' : 'B: ') + t.run_title})]);
          var body = el('div');
          body.innerHTML = t.html; // rendered by evalbox with every piece of run text escaped (TaskTranscript)
          column.appendChild(body);
          return column;
        })));
        // an attempt's link: that run's events of that epoch, in view and marked
        var heading = side && document.querySelector('#transcript-' + side + ' #epoch-' + epoch);
        if (heading) { heading.classList.add('target'); heading.scrollIntoView(); }
        measured('evalbox-compare-task', start);
      });
    }).catch(function (e) { if (gen === generation) fail(e); });
  }

  // ---------------------------------------------------------------- routing

  function fail(e) {
    clear(app);
    app.appendChild(el('p', {'class': 'error', id: 'load-error', text: String(e && e.message || e)}));
  }

  function route() {
    generation++;
    keys = null;
    document.body.removeAttribute('data-rendered');
    var parts = location.hash.replace(/^#\/?/, '').split('/');
    // run keys are short hex names the server made; anything else is not looked up at all
    if (parts[1] && !/^[0-9a-f]{1,64}$/.test(parts[1])) parts = [];
    if (parts[0] === 'compare' && !/^[0-9a-f]{1,64}$/.test(parts[2] || '')) parts = [];
    if (parts[0] === 'compare' && parts[1] && parts[2] && parts[3] === 'task' && /^\d+$/.test(parts[4] || '')) compareTask(parts[1], parts[2], Number(parts[4]),
      /^[ab]$/.test(parts[5] || '') && /^\d+$/.test(parts[6] || '') ? parts[5] : null, Number(parts[6]));
    else if (parts[0] === 'run' && parts[1] && parts[2] === 'task' && /^\d+$/.test(parts[3] || '')) taskPage(parts[1], Number(parts[3]), /^\d+$/.test(parts[4] || '') ? Number(parts[4]) : null);
    else if (parts[0] === 'run' && parts[1]) runPage(parts[1]);
    else if (parts[0] === 'compare' && parts[1] && parts[2]) comparePage(parts[1], parts[2]);
    else runsPage();
  }

  document.getElementById('live').textContent = live ? 'live' : 'static bundle';
  window.addEventListener('hashchange', route);
  route();
}());
