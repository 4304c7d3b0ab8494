// Helpers of the page's layout that need script: on a phone a table is one block per row (portal.css),
// and each cell shows its column's name, taken from the (translated) table head.

export function labelCells(table) {
  const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of table.tBodies[0].rows) [...row.cells].forEach((cell, i) => { cell.dataset.label = names[i] ?? ''; });
}
