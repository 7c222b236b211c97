/** Points of a precision-recall curve, one per distinct score threshold (ties grouped), highest score first. */
export function precisionRecallPoints(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  maxPoints = 200,
): { recall: number; precision: number }[] {
  const n = labels.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i]!;
  if (total === 0) return [];
  const out: { recall: number; precision: number }[] = [];
  let tp = 0;
  let k = 0;
  while (k < n) {
    const s = scores[order[k]!]!;
    while (k < n && scores[order[k]!]! === s) {
      tp += labels[order[k]!]!;
      k++;
    }
    out.push({ recall: tp / total, precision: tp / k });
  }
  if (out.length <= maxPoints) return out;
  // Keep the curve's shape at a bounded size: evenly spaced thresholds plus the last point.
  const step = out.length / maxPoints;
  const thin: { recall: number; precision: number }[] = [];
  for (let i = 0; i < maxPoints; i++) thin.push(out[Math.floor(i * step)]!);
  thin.push(out[out.length - 1]!);
  return thin;
}

/** Cumulative gains and lift at each percentile of rows by score (ties split evenly across the boundary). */
export function gainsPoints(
  labels: ArrayLike<number>,
  scores: ArrayLike<number>,
  steps = 50,
): { share: number; gain: number; lift: number }[] {
  const n = labels.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
  let total = 0;
  for (let i = 0; i < n; i++) total += labels[i]!;
  const cum = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) cum[i + 1] = cum[i]! + labels[order[i]!]!;
  const out: { share: number; gain: number; lift: number }[] = [];
  for (let s = 1; s <= steps; s++) {
    const share = s / steps;
    const k = Math.max(1, Math.round(share * n));
    const gain = total === 0 ? 0 : cum[k]! / total;
    out.push({ share, gain, lift: gain / (k / n) });
  }
  return out;
}
