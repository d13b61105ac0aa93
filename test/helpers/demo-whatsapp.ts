/** The demo workspace's WhatsApp plugin, as examples/demo-workspace.yaml declares it. */
export const PLUGIN = 'd83e1d23-50b8-4d87-8f92-842a0ac516f6';
export const PNID = '775966265503012';
export const WABA = '83784929738012';
