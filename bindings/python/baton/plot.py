"""Plots of Baton results on matplotlib. Each function takes the DataFrame an
analysis returned, draws on ``ax`` (a new figure when None) and returns the
Axes. The same plots are reachable as ``df.baton.plot()``.

matplotlib is imported only when a plot is drawn.
"""
import numpy as np

__all__ = ["funnel", "attribution", "response_times", "for_result"]


def _axes(ax, size=(8, 4.5)):
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    _, ax = plt.subplots(figsize=size)
    return ax


def _require(df, columns, what):
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what} needs the columns {', '.join(columns)} of a baton result; "
                         f"missing: {', '.join(missing)}")


def funnel(df, ax=None, metric="reached", top=6):
    """Bars of people reaching each stage (the demand waterfall).

    With one segment, each bar is labelled with its count and the
    conversion to the next stage. With several (``ws.funnel(by=...)``), the
    ``top`` segments by people entering the funnel get one bar per stage
    each. Cohort splits are summed.

    Args:
        df: the result of ``ws.funnel(...)``.
        ax: the matplotlib Axes to draw on (a new figure when None).
        metric: the column to draw: "reached" (default), "advanced" or "won".
        top: how many segments to draw at most.

    Returns:
        The Axes.
    """
    _require(df, ["segment", "stage", metric], "baton.plot.funnel")
    ax = _axes(ax)
    stages = list(dict.fromkeys(df["stage"]))
    totals = df.groupby(["segment", "stage"], sort=False)[metric].sum()
    segments = list(dict.fromkeys(df["segment"]))
    first = {s: totals.get((s, stages[0]), 0) if stages else 0 for s in segments}
    segments = sorted(segments, key=lambda s: -first[s])[:top]
    x = np.arange(len(stages))
    if len(segments) == 1:
        seg = segments[0]
        values = [float(totals.get((seg, st), 0) or 0) for st in stages]
        bars = ax.bar(x, values, color="#3b6ea5")
        for i, b in enumerate(bars):
            label = f"{values[i]:,.0f}"
            if i + 1 < len(values) and values[i] > 0:
                label += f"\n{values[i + 1] / values[i]:.1%} on"
            ax.annotate(label, (b.get_x() + b.get_width() / 2, b.get_height()),
                        ha="center", va="bottom", fontsize=8)
        ax.set_title(f"Funnel ({seg})")
    else:
        width = 0.8 / max(1, len(segments))
        for k, seg in enumerate(segments):
            values = [float(totals.get((seg, st), 0) or 0) for st in stages]
            ax.bar(x - 0.4 + width * (k + 0.5), values, width, label=str(seg))
        ax.legend(title="segment", fontsize=8)
        ax.set_title("Funnel by segment")
    ax.set_xticks(x)
    ax.set_xticklabels(stages)
    ax.set_ylabel(f"people ({metric})")
    return ax


def attribution(df, ax=None, metric="conversions", models=None, top=10):
    """Credit per channel (or campaign) under each attribution model, side
    by side, to compare what each model rewards.

    Args:
        df: the result of ``ws.attribution(...)``.
        ax: the Axes to draw on (a new figure when None).
        metric: "conversions" (default) or "revenue".
        models: the models to show (default: all in df).
        top: how many keys (by their largest credit) to show.

    Returns:
        The Axes.
    """
    _require(df, ["model", "key", metric], "baton.plot.attribution")
    ax = _axes(ax, size=(9, 5))
    table = df.pivot_table(index="key", columns="model", values=metric, aggfunc="sum",
                           sort=False).fillna(0.0)
    if models is not None:
        table = table[[m for m in models if m in table.columns]]
    order = table.max(axis=1).sort_values(ascending=False).index[:top]
    table = table.loc[list(order)[::-1]]
    y = np.arange(len(table.index))
    height = 0.8 / max(1, len(table.columns))
    for k, model in enumerate(table.columns):
        ax.barh(y - 0.4 + height * (k + 0.5), table[model].to_numpy(dtype=float), height,
                label=str(model))
    ax.set_yticks(y)
    ax.set_yticklabels([str(k) for k in table.index])
    ax.set_xlabel(f"credited {metric}")
    ax.set_title("Attribution by model")
    ax.legend(fontsize=7, ncol=2)
    return ax


def response_times(df, ax=None, segment=None):
    """Hand-offs per response-time bucket (how fast sales followed up), with
    each bucket's conversion to won: the case for a fast first call.

    Args:
        df: the result of ``ws.handoff(by_response=True)``.
        ax: the Axes to draw on (a new figure when None).
        segment: the segment to draw (default: all segments summed).

    Returns:
        The Axes; bars are hand-offs per bucket, labelled with the bucket's
        rate to won.
    """
    _require(df, ["segment", "bucket", "handed_off", "won"], "baton.plot.response_times")
    ax = _axes(ax)
    rows = df if segment is None else df[df["segment"] == segment]
    totals = rows.groupby("bucket", sort=False)[["handed_off", "won"]].sum()
    x = np.arange(len(totals.index))
    counts = totals["handed_off"].to_numpy(dtype=float)
    bars = ax.bar(x, counts, color="#5b8c5a")
    for b, n, w in zip(bars, counts, totals["won"].to_numpy(dtype=float)):
        label = f"{w / n:.1%} won" if n > 0 else ""
        ax.annotate(label, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center",
                    va="bottom", fontsize=8)
    ax.set_xticks(x)
    ax.set_xticklabels([str(k) for k in totals.index])
    ax.set_xlabel("time from hand-off to the first sales touch")
    ax.set_ylabel("hand-offs")
    ax.set_title("Response time to hand-offs" + (f" ({segment})" if segment else ""))
    return ax


_PLOTS = {"funnel": funnel, "attribution": attribution, "handoff_by_response": response_times}


def for_result(df, ax=None, **kwargs):
    """Draws the plot that fits a result, chosen by ``df.attrs["baton_table"]``
    (funnel, attribution, handoff_by_response). Raises ValueError for results
    without one."""
    name = df.attrs.get("baton_table")
    fn = _PLOTS.get(name)
    if fn is None:
        raise ValueError(f"no plot for the baton result \"{name}\"; plots exist for "
                         f"{', '.join(sorted(_PLOTS))}")
    return fn(df, ax=ax, **kwargs)
