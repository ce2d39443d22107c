/**
 * The frame every knsim HTML page shares (the run report, ./html.ts, and the sweep and tune
 * reports in src/sweep/report): the head, whose Content-Security-Policy lets the page run
 * only its own inline scripts and fetch nothing, and the script that renders each chart.
 */

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * vega-embed styles its container inline-block, so a chart wider than the window widened the
 * page (the whole page scrolled sideways at 800 px and the legends sat off screen); as a block,
 * the chart's own overflow-x scrolls the chart alone.
 */
const FRAME_STYLE = '.chart.vega-embed { display: block; }';

/** From `<!doctype html>` to `</head>`: the title (plain text, escaped here) and the page's CSS. */
export function pageHead(title: string, style: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}
${FRAME_STYLE}</style>
</head>`;
}

/**
 * Renders every `[data-chart]` element from its `spec-<id>` JSON block with vega-embed
 * (inlined before it). The body gets `data-rendered` (the chart count) when all are drawn,
 * or `data-render-error`, so a browser test knows when to look.
 */
export const CHART_RUNNER = `
(function () {
  var charts = Array.prototype.slice.call(document.querySelectorAll('[data-chart]'));
  var jobs = charts.map(function (el) {
    var spec = JSON.parse(document.getElementById('spec-' + el.getAttribute('data-chart')).textContent);
    return vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).then(function (res) {
      el.setAttribute('data-rendered', '1');
      return res;
    });
  });
  Promise.all(jobs).then(function () {
    document.body.setAttribute('data-rendered', String(jobs.length));
  }, function (err) {
    document.body.setAttribute('data-render-error', String(err && err.message || err));
    console.error(err);
  });
})();
`;
