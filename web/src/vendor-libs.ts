/**
 * The UMD bundles report.html inlines (as `knsim report` does), loaded only when a report
 * is downloaded. Imported by file path: the packages' exports do not list these files.
 */
import vega from '../../node_modules/vega/build/vega.min.js?raw';
import vegaLite from '../../node_modules/vega-lite/build/vega-lite.min.js?raw';
import vegaEmbed from '../../node_modules/vega-embed/build/vega-embed.min.js?raw';

export const UMD: Record<string, string> = { vega, 'vega-lite': vegaLite, 'vega-embed': vegaEmbed };
