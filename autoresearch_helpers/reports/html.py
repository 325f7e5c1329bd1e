"""The self-contained HTML report: header cards, the progress chart, a sortable table.

One file, nothing fetched from the network: inline CSS, an inline SVG chart
(reports/svg.py), and a small inline script that sorts the table. Every string taken
from the logs is escaped with :func:`html.escape`; the experiments are also embedded as
JSON (for programs reading the report) with ``<``, ``>`` and ``&`` written as ``\\u003c``…,
so no description can close the ``<script>`` element.

Input: experiments as dicts with the keys of :data:`FIELDS`, oldest first, the baseline
(number 0) included; ``best`` is the best so far after each one (the champion's value,
reports/summary.py). On a noisy metric the table has an evidence column: the paired test
each decision rested on (p_value, interval, pairs; vocab.fmt_decided_by), sorted by p.
"""

from __future__ import annotations

import json
from html import escape

from autoresearch_helpers.reports.svg import fmt, progress_svg
from autoresearch_helpers.vocab import (
    direction_words, fmt_decided_by, fmt_memory, fmt_value, is_better)

FIELDS = ("number", "commit", "value", "delta", "status", "description", "duration_s",
          "memory_gb", "error", "reason", "p_value", "interval", "pairs", "best")

CSS = """
body{font-family:-apple-system,"Segoe UI",Helvetica,Arial,sans-serif;margin:24px;color:#222;
background:#fafafa}
h1{font-size:22px;margin:0 0 4px}.sub{color:#666;margin:0 0 18px;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin-bottom:18px}
.card{background:#fff;border:1px solid #ddd;border-radius:8px;padding:10px 14px;min-width:120px}
.card .k{font-size:11px;text-transform:uppercase;letter-spacing:.05em;color:#777}
.card .v{font-size:20px;font-weight:600;margin-top:2px}.card .n{font-size:12px;color:#666}
.good{color:#1a7f1a}.bad{color:#c62828}
.chart-box{background:#fff;border:1px solid #ddd;border-radius:8px;padding:8px;overflow-x:auto}
svg.chart{max-width:100%;height:auto;font-family:inherit}
svg .title{font-size:17px;font-weight:600}svg .tick{font-size:11px;fill:#555}
svg .axis-label{font-size:13px;fill:#333}svg .legend{font-size:12px;fill:#333}
svg .keep-label{font-size:10px;fill:#1a6b1a}
table{border-collapse:collapse;width:100%;margin-top:18px;background:#fff;font-size:13px}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;cursor:pointer;user-select:none;white-space:nowrap}
th.asc::after{content:" \\25B2"}th.desc::after{content:" \\25BC"}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.desc{white-space:pre-wrap;word-break:break-word;max-width:520px}
td.ev{white-space:nowrap;font-variant-numeric:tabular-nums}
code{font-family:ui-monospace,Menlo,Consolas,monospace}
tr.keep td.st{color:#1a7f1a;font-weight:600}tr.crash td.st{color:#c62828;font-weight:600}
tr.discard td.st{color:#777}
"""

SORT_SCRIPT = """
(function(){
  var table=document.getElementById('experiments');
  var heads=table.tHead.rows[0].cells;
  function key(cell){var s=cell.getAttribute('data-sort');var n=parseFloat(s);
    return (s!==''&&!isNaN(n)&&isFinite(s))?n:s.toLowerCase();}
  Array.prototype.forEach.call(heads,function(th,col){
    th.addEventListener('click',function(){
      var asc=!th.classList.contains('asc');
      Array.prototype.forEach.call(heads,function(h){h.classList.remove('asc','desc');});
      th.classList.add(asc?'asc':'desc');
      var body=table.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
      rows.sort(function(a,b){var x=key(a.cells[col]),y=key(b.cells[col]);
        if(typeof x!==typeof y){x=String(x);y=String(y);}
        return (x<y?-1:x>y?1:0)*(asc?1:-1);});
      rows.forEach(function(r){body.appendChild(r);});
    });
  });
})();
"""

COLUMNS = ("#", "commit", "value", "delta", "status", "description", "duration", "memory", "error")
EVIDENCE = 5  # where the evidence column goes, when an experiment has a paired test
HINTS = {"evidence": "the paired runs beside the best commit: the interval of "
                     "Δ = this experiment − the best at the level the decision used, and p"}


def script_json(data) -> str:
    """JSON that is safe inside a <script> element: no '<', '>', '&' or line separators."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False)
    for raw, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                     ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, esc)
    return text


def improvement(baseline: float | None, best: float | None, direction: str) -> tuple[str, bool]:
    """('−0.0312 (−3.12%)', better?) for baseline -> best."""
    if baseline is None or best is None:
        return "—", False
    delta = best - baseline
    pct = f" ({delta / abs(baseline) * 100:+.2f}%)" if baseline else ""
    return f"{fmt_value(delta, sign=True)}{pct}", is_better(direction, best, baseline)


def _card(key: str, value: str, note: str = "", cls: str = "") -> str:
    note_html = f'<div class="n">{escape(note)}</div>' if note else ""
    return (f'<div class="card"><div class="k">{escape(key)}</div>'
            f'<div class="v {cls}">{escape(value)}</div>{note_html}</div>')


def _cards(info: dict) -> str:
    counts = info["counts"]
    change, better = improvement(info["baseline"], info["best"], info["direction"])
    best_note = f"commit {info['best_commit']}" if info.get("best_commit") else ""
    direction = direction_words(info["direction"])
    cards = [
        _card("experiments", str(info["experiments"])),
        _card("keep / discard / crash",
              f"{counts.get('keep', 0)} / {counts.get('discard', 0)} / {counts.get('crash', 0)}"),
        _card("baseline", fmt(info["baseline"])),
        _card("best", fmt(info["best"]), best_note),
        _card("change", change, cls="good" if better else ""),  # signed, as results says
        _card("tag", info.get("tag") or "—"),
        _card("metric", info["metric"], direction),
    ]
    return f'<div class="cards">{"".join(cards)}</div>'


def _num(value, text) -> tuple[str, str]:
    """(shown text, sort key) for a number that may be missing."""
    if value is None:
        return "—", ""
    return text, repr(float(value))


def evidence(e: dict) -> str:
    """The paired test (or the one run) an experiment's decision rested on, '' for none."""
    return fmt_decided_by(e.get("interval"), e.get("p_value"), e.get("pairs") or 0,
                          e.get("reason"))


def _row(e: dict, tested: bool) -> str:
    value = _num(e["value"], fmt(e["value"])) if e["status"] != "crash" else ("crash", "")
    delta = _num(e.get("delta"), fmt_value(e.get("delta"), sign=True))
    duration = _num(e.get("duration_s"), f"{e.get('duration_s') or 0:.1f} s")
    memory = _num(e.get("memory_gb"), fmt_memory(e.get("memory_gb")))
    error = e.get("error") or ""
    cells = [
        ("num", (str(e["number"]), str(e["number"]))),
        ("", (e.get("commit") or "", e.get("commit") or "")),
        ("num", value), ("num", delta),
        ("st", (e["status"], e["status"])),
        ("desc", (e.get("description") or "", e.get("description") or "")),
        ("num", duration), ("num", memory), ("", (error, error)),
    ]
    if tested:
        p_value = e.get("p_value")
        cells.insert(EVIDENCE, ("ev", (evidence(e), "" if p_value is None else repr(p_value))))
    tds = []
    for i, (cls, (shown, key)) in enumerate(cells):
        inner = f"<code>{escape(shown)}</code>" if i == 1 else escape(shown)
        cls_attr = f' class="{cls}"' if cls else ""
        tds.append(f'<td{cls_attr} data-sort="{escape(key)}">{inner}</td>')
    return f'<tr class="{escape(e["status"])}">{"".join(tds)}</tr>'


def render(experiments: list[dict], info: dict) -> str:
    """The whole HTML document.

    ``info``: tag, metric, direction, baseline, best, best_commit, experiments (count,
    baseline excluded), counts {keep, discard, crash}, generated (a time stamp text).
    """
    title = f"autoresearch report: {info.get('tag') or 'session'}"
    chart = progress_svg(experiments, metric=info["metric"], direction=info["direction"])
    tested = any(evidence(e) for e in experiments)
    heads = [*COLUMNS[:EVIDENCE], "evidence", *COLUMNS[EVIDENCE:]] if tested else COLUMNS
    head_cells = "".join(f'<th title="{escape(HINTS[c])}">{escape(c)}</th>' if c in HINTS
                         else f"<th>{escape(c)}</th>" for c in heads)
    rows = "\n".join(_row(e, tested) for e in experiments)
    data = {"info": info, "experiments": [{k: e.get(k) for k in FIELDS} for e in experiments]}
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<style>{CSS}</style>
</head>
<body>
<h1>{escape(title)}</h1>
<p class="sub">{escape(info['metric'])}, {escape(direction_words(info['direction']))}
 &middot; generated {escape(info.get('generated', ''))}</p>
{_cards(info)}
<div class="chart-box">
{chart}
</div>
<table id="experiments">
<thead><tr>{head_cells}</tr></thead>
<tbody>
{rows}
</tbody>
</table>
<script type="application/json" id="report-data">{script_json(data)}</script>
<script>{SORT_SCRIPT}</script>
</body>
</html>
"""
