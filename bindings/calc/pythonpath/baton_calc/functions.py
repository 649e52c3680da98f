"""The cell functions BATON.FUNNEL, BATON.ATTRIBUTION and BATON.HANDOFF.

Each takes Calc matrices (header row first) and optional arguments (None
when omitted), builds a fresh workspace through the C ABI, runs one analysis
and returns a matrix with a header row.

Errors: a function never raises. Wrong input gives a one-cell matrix with a
readable message starting "Baton: " (which table, row and column, and what
to do). We chose text over Calc's #VALUE! (what raising
IllegalArgumentException gives) because #VALUE! cannot say what is wrong.
"""

from . import capi
from . import ranges


def _optional_text(v):
    if v is None:
        return None
    if isinstance(v, float) and v == int(v):
        v = int(v)
    s = str(v).strip()
    return s or None


def _error_matrix(message):
    return ((message,),)


def _run(build):
    try:
        return build()
    except (ranges.InputError, capi.BatonError) as e:
        return _error_matrix(str(e))
    except Exception as e:  # never let Calc see a Python exception
        return _error_matrix("Baton: internal error: %s: %s" % (type(e).__name__, e))


def funnel(people, stages, by=None, mapping=None):
    """The funnel per segment and stage (see baton_funnel). by: source,
    campaign, owner or a people attribute (an extra people column)."""
    def build():
        with capi.Workspace() as ws:
            ranges.fill(ws, "people", people, mapping)
            ranges.fill(ws, "stages", stages, mapping)
            options = {}
            if _optional_text(by):
                options["funnel.by"] = _optional_text(by)
            return ranges.to_matrix(ws.analyze("funnel", options))
    return _run(build)


def attribution(touches, stages, model=None, by=None, mapping=None):
    """Attribution credit per model and key (see baton_attribution). model:
    one or a comma list of models, or "all" (the default); by: channel
    (default) or campaign."""
    def build():
        with capi.Workspace() as ws:
            ranges.fill(ws, "touches", touches, mapping)
            ranges.fill(ws, "stages", stages, mapping)
            options = {}
            if _optional_text(model):
                options["attribution.model"] = _optional_text(model).lower()
            if _optional_text(by):
                options["attribution.by"] = _optional_text(by).lower()
            return ranges.to_matrix(ws.analyze("attribution", options))
    return _run(build)


def handoff(stages, touches, sla_hours=None, mapping=None):
    """The hand-off per segment (see baton_handoff); sla_hours is the response
    target in hours (default 24)."""
    def build():
        options = {}
        if sla_hours is not None and _optional_text(sla_hours) is not None:
            try:
                hours = float(sla_hours)
            except (TypeError, ValueError):
                raise ranges.InputError("Baton: handoff: sla_hours \"%s\" is not a number "
                                        "of hours" % sla_hours) from None
            if not hours > 0:
                raise ranges.InputError("Baton: handoff: sla_hours must be above 0, not %g"
                                        % hours)
            # Whole minutes keep the duration exact for the library's parser.
            options["handoff.sla"] = "%dm" % round(hours * 60)
        with capi.Workspace() as ws:
            ranges.fill(ws, "stages", stages, mapping)
            ranges.fill(ws, "touches", touches, mapping)
            return ranges.to_matrix(ws.analyze("handoff", options))
    return _run(build)
