// The policy clause's rule builder: conditions in words (field, operator, value, year) written into the JSON
// field the server checks. A rule with nested groups is left to the JSON editor below it.
(function () {
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { e.textContent = attrs[k]; } else { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { e.appendChild(c); });
    return e;
  }
  function select(options, value, label) {
    var s = el("select", {"class": "form-select form-select-sm", "aria-label": label});
    options.forEach(function (o) {
      var opt = el("option", {value: String(o[0]), text: o[1]});
      if (String(o[0]) === String(value)) { opt.selected = true; }
      s.appendChild(opt);
    });
    return s;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var root = document.getElementById("rule-builder");
    if (!root) { return; }
    var vocab = JSON.parse(document.getElementById("rule-vocabulary").textContent);
    var textarea = document.getElementById(root.dataset.target);
    var words = vocab.words;
    var fields = {};
    vocab.fields.forEach(function (f) { fields[f.key] = f; });
    var rule;
    try { rule = textarea.value.trim() ? JSON.parse(textarea.value) : {all: []}; } catch (e) { rule = null; }
    var flat = rule && (rule.all || rule.any) && Object.keys(rule).length === 1 &&
      (rule.all || rule.any).every(function (p) { return p.field && fields[p.field]; });
    if (!flat) {
      root.appendChild(el("div", {"class": "alert alert-warning", text: words.complex}));
      return;
    }
    textarea.closest("details") && (textarea.closest("details").open = false);
    var mode = rule.any ? "any" : "all";
    var conditions = (rule.all || rule.any).slice();
    var list = el("div", {"class": "vstack gap-2", id: "rule-conditions"});
    var modeSelect = select([["all", words.all], ["any", words.any]], mode, words.match);
    modeSelect.id = "rule-mode";
    root.appendChild(el("div", {"class": "d-flex align-items-center gap-2 mb-2"}, [el("span", {text: words.match}), modeSelect]));
    root.appendChild(list);
    var add = el("button", {type: "button", "class": "btn btn-sm mt-2", id: "rule-add", text: words.add});
    root.appendChild(add);

    function write() {
      var parts = conditions.filter(function (c) { return c.field; });
      var out = {};
      out[modeSelect.value] = parts;
      textarea.value = parts.length ? JSON.stringify(out, null, 1) : "";
      textarea.dispatchEvent(new Event("change"));
    }
    function valueInput(c, f) {
      var wrap = el("div", {"class": "d-flex gap-1 flex-grow-1"});
      function num(v, label) {
        var i = el("input", {type: "number", step: "any", "class": "form-control form-control-sm", "aria-label": label});
        if (v !== undefined && v !== null) { i.value = v; }
        return i;
      }
      if (f.kind === "bool") {
        var b = select([["true", words.yes], ["false", words.no]], String(c.value !== false), f.label);
        c.value = b.value === "true";
        b.addEventListener("change", function () { c.value = b.value === "true"; write(); });
        wrap.appendChild(b);
      } else if (f.kind === "number" && c.op === "between") {
        var v = Array.isArray(c.value) ? c.value : [null, null];
        var lo = num(v[0], f.label), hi = num(v[1], f.label);
        function both() { c.value = [parseFloat(lo.value), parseFloat(hi.value)]; write(); }
        lo.addEventListener("input", both); hi.addEventListener("input", both);
        wrap.appendChild(lo); wrap.appendChild(el("span", {"class": "align-self-center", text: words.and})); wrap.appendChild(hi);
      } else if (f.kind === "number") {
        var n = num(Array.isArray(c.value) ? null : c.value, f.label);
        n.addEventListener("input", function () { c.value = n.value === "" ? null : parseFloat(n.value); write(); });
        wrap.appendChild(n);
      } else if (f.kind === "choice" && (c.op === "in" || c.op === "not_in")) {
        var m = select(f.choices, null, f.label);
        m.multiple = true;
        var chosen = Array.isArray(c.value) ? c.value : [];
        Array.prototype.forEach.call(m.options, function (o) { o.selected = chosen.indexOf(o.value) >= 0; });
        m.addEventListener("change", function () {
          c.value = Array.prototype.filter.call(m.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
          write();
        });
        wrap.appendChild(m);
      } else if (f.kind === "choice") {
        var s = select(f.choices, c.value, f.label);
        c.value = s.value;
        s.addEventListener("change", function () { c.value = s.value; write(); });
        wrap.appendChild(s);
      } else {
        var t = el("input", {type: "text", "class": "form-control form-control-sm", "aria-label": f.label});
        var several = c.op === "in" || c.op === "not_in";
        if (several) { t.placeholder = words.several; }
        t.value = Array.isArray(c.value) ? c.value.join("、") : (c.value || "");
        t.addEventListener("input", function () {
          c.value = several ? t.value.split(/[、,，]/).map(function (x) { return x.trim(); }).filter(Boolean) : t.value;
          write();
        });
        wrap.appendChild(t);
      }
      return wrap;
    }
    function row(c) {
      var line = el("div", {"class": "d-flex flex-wrap gap-1 align-items-center rule-condition"});
      var fieldSelect = select(vocab.fields.map(function (f) { return [f.key, f.label + (f.unit ? "（" + f.unit + "）" : "")]; }), c.field, words.match);
      line.appendChild(fieldSelect);
      var f = fields[c.field];
      var ops = vocab.ops[f.kind];
      if (!ops.some(function (o) { return o[0] === c.op; })) { c.op = ops[0][0]; }
      var opSelect = select(ops, c.op, f.label);
      line.appendChild(opSelect);
      if (f.yearly) {
        var y = select(vocab.years, c.year || 0, f.label);
        y.addEventListener("change", function () { var n = parseInt(y.value, 10); if (n) { c.year = n; } else { delete c.year; } write(); });
        line.appendChild(y);
      } else { delete c.year; }
      line.appendChild(valueInput(c, f));
      var remove = el("button", {type: "button", "class": "btn btn-sm btn-ghost-danger", text: words.remove});
      line.appendChild(remove);
      fieldSelect.addEventListener("change", function () {
        c.field = fieldSelect.value; c.op = null; c.value = null; delete c.year; redraw();
      });
      opSelect.addEventListener("change", function () { c.op = opSelect.value; c.value = null; redraw(); });
      remove.addEventListener("click", function () { conditions.splice(conditions.indexOf(c), 1); redraw(); });
      return line;
    }
    function redraw() {
      list.innerHTML = "";
      conditions.forEach(function (c) { list.appendChild(row(c)); });
      write();
    }
    add.addEventListener("click", function () {
      conditions.push({field: vocab.fields[0].key, op: vocab.ops[vocab.fields[0].kind][0][0], value: true});
      redraw();
    });
    modeSelect.addEventListener("change", write);
    redraw();
  });
})();
