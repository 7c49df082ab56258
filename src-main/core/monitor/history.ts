// The last hour of a server's figures, kept in memory for the overview's small charts: a ring of
// points, oldest dropped first, so memory stays bounded however long Skiff runs.

export interface Point { t: number; v: number }

export class Series {
  private readonly points: Point[] = [];
  constructor(private readonly spanMs = 3600_000, private readonly maxPoints = 720) {}

  add(t: number, v: number): void {
    if (!Number.isFinite(v)) return;
    this.points.push({ t, v });
    const from = t - this.spanMs;
    while (this.points.length && (this.points[0].t < from || this.points.length > this.maxPoints)) this.points.shift();
  }

  values(): Point[] {
    return [...this.points];
  }
}
