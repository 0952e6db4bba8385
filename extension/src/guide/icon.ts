import { LabIcon } from '@jupyterlab/ui-components';

const svg = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="16">
  <g class="jp-icon3" fill="#616161">
    <circle cx="8" cy="7" r="3"/><circle cx="16" cy="7" r="3"/>
    <path d="M2 19c0-3.3 2.7-6 6-6 1.5 0 2.9.6 4 1.5 1.1-.9 2.5-1.5 4-1.5 3.3 0 6 2.7 6 6v1H2z"/>
  </g>
</svg>`;

/** Icon of the pairing guide: two people side by side. */
export const pairIcon = new LabIcon({ name: 'pairlab:pair', svgstr: svg });
