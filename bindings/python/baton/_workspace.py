"""Workspaces: loading data (connectors, pandas) and running analyses."""
import collections
import html
import os

import numpy as np

from . import _baton, _frames
from ._errors import FileMissingError, InvalidArgumentError, NotFoundError
from ._progress import ProgressBar

__all__ = ["Workspace", "ScoringResult", "load", "from_pandas", "sample", "plugins", "load_plugin"]


def _option_text(value, key):
    """An option value as the engine's text."""
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ",".join(_option_text(v, key) for v in value)
    if hasattr(value, "total_seconds") or type(value).__name__ == "Timedelta":
        return _frames.duration(value, key)
    return str(value)


def _options(prefix, **values):
    """{"prefix.key": text} for each value that is not None."""
    return {f"{prefix}.{k}": _option_text(v, k) for k, v in values.items() if v is not None}


def _connector_options(options):
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise InvalidArgumentError(f"options must be a dict of str, not {type(options).__name__}")
    return {str(k): _option_text(v, str(k)) for k, v in options.items()}


def _progress_callback(progress):
    """(callback, bar) for the progress argument of load()."""
    if progress is True:
        bar = ProgressBar()
        return bar, bar
    if progress is None or progress is False:
        return None, None
    if callable(progress):
        return progress, None
    raise InvalidArgumentError(
        "progress must be True, False or a callable(fraction, phase) returning true to cancel")


def _date_text(value):
    """A date option as text: str as given, datetime-likes as ISO 8601."""
    if value is None or isinstance(value, str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


class ScoringResult(collections.namedtuple(
        "ScoringResult", ["summary", "coefficients", "calibration", "lift", "threshold",
                          "folds", "scores", "design", "writeback"])):
    """The tables of :meth:`Workspace.score`, each a DataFrame (design and
    writeback None unless asked for)."""
    __slots__ = ()


class Workspace:
    """Canonical sales and marketing data (people, touches, stages, deals,
    spend) and the analyses over it.

    Make one with :func:`baton.load` or :func:`baton.from_pandas` (or
    ``Workspace()`` and then :meth:`load` / :meth:`add_frame`). Data is added
    until the first analysis (or :meth:`freeze`, :meth:`info`, displaying the
    workspace in a notebook), which freezes it: a frozen workspace is
    read-only and any number of threads may run analyses on it at once.

    Analyses return pandas DataFrames whose columns are exactly those of the
    ``baton`` command line's tables. Data-quality warnings of a result are
    issued as :class:`baton.DataQualityWarning` and kept in
    ``df.attrs["warnings"]``.

    A workspace holds engine memory until it is garbage-collected or closed
    (:meth:`close`, or ``with baton.load(...) as ws:``).
    """

    def __init__(self):
        self._ws = _baton.Workspace()
        self._mapping = None  # the last *.toml loaded: the scorecard's default

    # ---- loading --------------------------------------------------------

    def load(self, source, *, options=None, progress=True):
        """Loads a source through a connector plugin.

        Args:
            source: a mapping file (``"data/olist.toml"``, read by the csv
                connector), ``"NAME:LOCATION"`` for a named connector
                (``"csv:data/olist.toml"``), or a location a connector
                recognises.
            options: connector options, e.g. ``{"on_error": "skip",
                "rejects": "rejects.csv"}``.
            progress: True (default) shows a tqdm bar for loads that take
                more than half a second; False shows none; a callable
                ``(fraction, phase) -> bool`` is called instead (fraction in
                [0, 1], negative when unknown; return True to cancel).

        Returns:
            self, for chaining.

        Raises:
            FileMissingError (a FileNotFoundError): a file does not exist.
            DataError (a ValueError): a row cannot be read; the message names
                file, row and column.
            CancelledError: the progress callback returned True.
            KeyboardInterrupt: Ctrl-C (or the callback raised it).
            BatonError: any other engine error (frozen workspace, I/O...).
        After an error the workspace may hold part of the source: discard it.
        """
        callback, bar = _progress_callback(progress)
        text = os.fspath(source)
        try:
            self._ws.load(text, _connector_options(options), callback)
        except NotFoundError as e:
            # A bare path no connector recognises because it does not exist.
            if (not isinstance(e, FileMissingError) and not os.path.exists(text)
                    and not _has_connector_prefix(text)):
                raise FileMissingError(f"{text}: no such file ({e})", e.code,
                                       e.code_name) from None
            raise
        finally:
            if bar is not None:
                bar.close()
        location = text.partition(":")[2] if _has_connector_prefix(text) else text
        if location.endswith(".toml"):
            self._mapping = location
        return self

    def add_frame(self, table, df, *, columns=None):
        """Adds a pandas DataFrame to one canonical table (see
        :func:`baton.from_pandas` for the column rules).

        Args:
            table: "people", "touches", "stages", "deals" or "spend".
            df: the DataFrame; named index levels count as columns.
            columns: {field: column name} for columns not named as the
                field, and for people ``"attributes": [column, ...]`` (or
                ``{name: column}``).

        Returns:
            self, for chaining.

        Raises:
            InvalidArgumentError (a ValueError): unknown table or field, a
                missing required column (the message lists the fields), an
                unsupported dtype.
            DataError (a ValueError): a value cannot be read (column, row).
            BatonError: the workspace is frozen.
        """
        if table not in _frames.FIELDS:
            raise InvalidArgumentError(
                f"unknown table \"{table}\"; tables are {', '.join(_frames.TABLES)}")
        descriptors, options, length = _frames.frame_columns(table, df, columns)
        try:
            self._ws.import_columns(table, descriptors, length, options)
        except InvalidArgumentError as e:
            raise InvalidArgumentError(_frames.missing_field_hint(table, str(e)),
                                       e.code, e.code_name) from None
        return self

    def freeze(self):
        """Freezes the workspace now (applies defaults, sorts, indexes);
        analyses do it themselves. Idempotent. Returns self."""
        self._ws.freeze()
        return self

    # ---- inspection -----------------------------------------------------

    def row_count(self, table):
        """Rows in a canonical table ("people", "touches", "stages",
        "deals", "spend", "paths")."""
        return self._ws.row_count(table)

    def info(self):
        """What was loaded, as a DataFrame: kind ("load" or "note"; after a
        score() also "scoring", whose message counts the model's fits and
        reuses), connector, table, file, rows_read, rows_accepted,
        rows_rejected, rejects_file, message. Freezes the workspace."""
        return _frames.to_frame(self._ws.info(), warn=False)

    def __repr__(self):
        if self._ws.closed:
            return "<baton.Workspace (closed)>"
        counts = ", ".join(f"{t}={self._ws.row_count(t)}" for t in _frames.TABLES)
        return f"<baton.Workspace {counts}>"

    def _repr_html_(self):
        if self._ws.closed:
            return "<p><b>baton.Workspace</b> (closed)</p>"
        rows = "".join(
            f"<tr><td>{t}</td><td style='text-align:right'>{self._ws.row_count(t):,}</td></tr>"
            for t in _frames.TABLES)
        info = self.info()
        loads = info[info["kind"] == "load"]
        notes = info.loc[info["kind"] == "note", "message"].tolist()
        files = "".join(
            f"<li>{html.escape(str(r.file))}: {r.rows_read:,} rows read, "
            f"{r.rows_accepted:,} accepted, {r.rows_rejected:,} rejected &rarr; "
            f"{html.escape(str(r.table))}</li>" for r in loads.itertuples())
        note_items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
        out = [
            "<div><b>baton.Workspace</b>",
            "<table><thead><tr><th>table</th><th>rows</th></tr></thead>",
            f"<tbody>{rows}</tbody></table>",
        ]
        span = self._date_range()
        if span:
            out.append(f"<p>people entered the funnel from {span[0]} to {span[1]}</p>")
        if files:
            out.append(f"<details><summary>sources</summary><ul>{files}</ul></details>")
        if note_items:
            out.append(f"<p>notes:</p><ul>{note_items}</ul>")
        out.append("</div>")
        return "".join(out)

    def _date_range(self):
        """(first, last) date of a stage entry, from the funnel by cohort
        month; None without stages."""
        if self._ws.row_count("stages") == 0:
            return None
        try:
            df = _frames.to_frame(self._ws.analyze("funnel", {"funnel.cohort": "month"}),
                                  warn=False)
        except Exception:  # a display must never fail the cell
            return None
        months = sorted(m for m in df.get("cohort", []) if m)
        return (months[0], months[-1]) if months else None

    # ---- analyses -------------------------------------------------------

    def analyze(self, analysis, **options):
        """Runs any analysis of the engine by name, with its options given
        without their prefix: ``ws.analyze("funnel", by="source")`` sets
        ``funnel.by``. Values: str, numbers, bool ("true"/"false"), lists
        (comma-joined) and pd.Timedelta (durations). Returns a DataFrame.

        Raises:
            NotFoundError: no analysis of that name (the message lists them).
            InvalidArgumentError: a bad option (the message lists valid ones).
        """
        # Lead scoring's options are named scoring.* (the analysis is "score").
        prefix = "scoring" if analysis == "score" else analysis
        return self._run(analysis, _options(prefix, **options))

    def funnel(self, by=None, strict=False, cohort=None, within=None):
        """The funnel (demand waterfall): reach, conversion and velocity per
        stage, as ``baton funnel``.

        Args:
            by: "source", "campaign" (of the first touch), "owner", or a
                people attribute; None: one segment "all". Missing values
                form the segment "(none)".
            strict: count recorded stages only (default: a later stage
                implies the skipped ones).
            cohort: "month" to split by month of entering the first stage.
            within: count advancing and winning only within this duration
                ("90d", "24h", a number of days, or a pd.Timedelta).

        Returns:
            A DataFrame with columns segment, stage, reached, next_stage,
            advanced, rate_to_next, won, rate_to_won, median_days_to_next,
            p90_days_to_next (and cohort after segment with ``cohort``).

        Raises:
            InvalidArgumentError: a bad option. NotFoundError: an unknown
            ``by`` attribute (the message lists the known ones).
        """
        opts = _options("funnel", by=by, cohort=cohort,
                        within=_frames.duration(within, "within"))
        if strict:
            opts["funnel.strict"] = "true"
        return self._run("funnel", opts)

    def attribution(self, model=None, order=None, by=None, conversion=None,
                    include_sales=False, lookback=None, half_life=None, weights=None,
                    value=None, transitions=False):
        """Multi-touch attribution of conversions and revenue, as
        ``baton attribution``.

        Args:
            model: a model name, a list of them, or "all" (default): first,
                last, last_non_direct, linear, time_decay, u_shaped,
                j_shaped, inverse_j, w_shaped, full_path, position, markov,
                shapley.
            order: Markov order 1..4, or "auto" (default 1).
            by: "channel" (default) or "campaign".
            conversion: the stage that converts (default "won").
            include_sales: credit sales touches too.
            lookback: only touches within this duration before the
                conversion ("90d" or a pd.Timedelta; default unlimited).
            half_life: time_decay half-life (default 7 days).
            weights: position weights (first, between, last), e.g.
                (0.3, 0.4, 0.3) or "0.3,0.4,0.3".
            value: shapley value: "conversions" (default) or "rate".
            transitions: return the Markov chain (from, to, probability)
                instead of the credits.

        Returns:
            A DataFrame with columns model, key, conversions, revenue,
            removal_effect (null except for markov); with transitions:
            from, to, probability.
        """
        opts = _options("attribution", model=model, order=order, by=by,
                        conversion=conversion,
                        lookback=_frames.duration(lookback, "lookback"),
                        half_life=_frames.duration(half_life, "half_life"),
                        weights=weights, value=value)
        if include_sales:
            opts["attribution.include_sales"] = "true"
        return self._run("markov_transitions" if transitions else "attribution", opts)

    def handoff(self, by=None, stage=None, sla=None, leak_after=None, reasons=False,
                by_response=False):
        """The hand-off from marketing to sales, as ``baton handoff``.

        A hand-off is an entry into ``stage`` (default "mql"); it is worked
        when a sales touch follows, within the SLA when that touch comes
        within ``sla``; it leaked when neither a sales touch nor a later
        stage came within ``leak_after``.

        Args:
            by: segment as in :meth:`funnel` (None: one segment "all").
            stage: the hand-off stage (default "mql").
            sla: the response target (default "24h"; a str or pd.Timedelta).
            leak_after: silence after which a hand-off leaked (default "30d").
            reasons: return the rejection reasons instead (segment, reason,
                rejected, share).
            by_response: return conversion to won by response-time bucket
                instead (segment, bucket, handed_off, won, rate_to_won;
                buckets <1h, 1-4h, 4-24h, 1-3d, >3d, never).

        Returns:
            A DataFrame with columns segment, handed_off, worked,
            response_median_hours, response_p90_hours, within_sla, sla_rate,
            leaked, accepted, rejected, acceptance_rate, recycled, won,
            rate_to_won (or the tables above).
        """
        if reasons and by_response:
            raise InvalidArgumentError("give reasons=True or by_response=True, not both")
        opts = _options("handoff", by=by, stage=stage, sla=_frames.duration(sla, "sla"),
                        leak_after=_frames.duration(leak_after, "leak_after"))
        name = ("handoff_reasons" if reasons else
                "handoff_by_response" if by_response else "handoff")
        return self._run(name, opts)

    def spend(self, by=None, model=None):
        """Spend efficiency, as ``baton spend``: key, spend, people, mqls,
        sqls, won_deals, revenue, cost_per_lead, cost_per_mql, cost_per_sql,
        cac, roi (null where a denominator is 0).

        Args:
            by: "channel" (default) or "campaign". People belong to the key
                of their first marketing touch.
            model: the attribution model that credits revenue (default
                "first"); ROI = (revenue - spend) / spend.
        """
        return self._run("spend", _options("spend", by=by, model=model))

    def deals(self, by=None, owners_as_people=None):
        """Pipeline and sales outcomes, as ``baton deals``: key, deals, open,
        won, lost, win_rate, won_amount, avg_won_amount, median_cycle_days,
        pipeline_open_amount.

        Args:
            by: "owner", "source", "campaign" or a people attribute (None:
                one key "all").
            owners_as_people: deals without a person take attributes from
                the person whose id is the deal's owner (default True).
        """
        return self._run("deals", _options("deals", by=by,
                                           owners_as_people=owners_as_people))

    def scorecard(self, config=None):
        """The shared KPIs against their targets per period, as
        ``baton scorecard``: kpi, metric, period, value, target, ratio,
        previous, trend, status (on_track, at_risk, off_track).

        Args:
            config: a TOML file with a ``[scorecard]`` table (a baton.toml or
                a mapping file). Default: the mapping file this workspace
                was loaded from, as the command line does.

        Raises:
            InvalidArgumentError: no config, or an unknown metric (the
                message lists the valid ones).
            NotFoundError: no such file or no [scorecard] table.
            DataError: the file is not valid TOML (path, line, column).
        """
        if config is None:
            config = self._mapping
        if config is None:
            raise InvalidArgumentError(
                "scorecard needs config=\"baton.toml\", a file with a [scorecard] table "
                "(the workspace was not loaded from a mapping file)")
        return self._run("scorecard", {"scorecard.config": os.fspath(config)})

    def score(self, as_of=None, label=None, within=None, l2=None, capacity=None,
              test_after=None, features=None, class_weight=None, folds=None, *,
              design=False, crm=None, property=None):
        """Lead scoring learned from sales outcomes, as ``baton score``.

        Each person is scored as of ``as_of`` with features known then
        (touches per channel and activity in the last 7/30/90 days, recency,
        source, first campaign, attributes), labelled 1 when reaching
        ``label`` within ``within``. An L2 logistic regression (sklearn's
        ``LogisticRegression(C=1/l2)``) is fitted on the older labelled
        people and judged on the newer ones (the time split).

        Args:
            as_of: "mql" (default, the hand-off), "created", another stage,
                or a date (str, datetime or pd.Timestamp).
            label: the outcome stage (default "sql"; "won" also counts won
                deals linked to the person).
            within: the label window ("90d" default, a number of days, or a
                pd.Timedelta).
            l2: the penalty (> 0, default 1.0).
            capacity: people sales can work per week (a number or
                "200/week"); adds the "score >= cutoff" threshold row.
            test_after: people scored at or after this date form the test
                set (default: the newest 20% of labelled people).
            features: feature names to keep (a list or comma-separated str;
                a name ending in ``*`` matches a prefix).
            class_weight: "balanced" (or True) for sklearn's balanced class
                weights; default none.
            folds: k >= 2 for k-fold cross-validation (a person's fold is a
                hash of its id); default none.
            design: also return the standardised matrix the model was
                fitted on.
            crm, property: also return the write-back table for
                "salesforce" (Id, Lead_Score__c), "hubspot" (Record ID,
                ``property``; property required) or "baton" (the scores).

        Returns:
            A ``ScoringResult`` named tuple of DataFrames:
            ``summary`` (metric, value: scored, window_open, past_label,
            train/test rows and positives, test_base_rate, auc, log_loss,
            brier, features, iterations, gradient_norm, l2, and with folds
            cv_*_mean / cv_*_sd); ``coefficients`` (feature, coefficient,
            odds_ratio, std_error; "(intercept)" first, numeric features per
            standard deviation); ``calibration``; ``lift`` (decile 1 = top
            scores); ``threshold``; ``folds`` (fold "1".."k", "mean", "sd"
            with train_rows, test_rows, test_positives, auc, log_loss,
            brier; empty without folds); ``scores`` (person_id, score,
            label, top_feature_1..3; one row per scored person);
            ``design`` (row, person_id, set, label, weight, then one column
            per feature; None unless design=True); ``writeback`` (None
            unless crm is given). Every table comes from the same fit: the
            engine keeps the last fit per workspace and reuses it for
            every table asked with the same options (``info()`` counts
            fits and reuses on its "scoring" row).

        Raises:
            InvalidArgumentError: a bad option, no training rows, or
                training rows of one class only (the message says what to
                change).
        """
        opts = _options("scoring", as_of=_date_text(as_of), label=label,
                        within=_frames.duration(within, "within"), l2=l2,
                        capacity=capacity, test_after=_date_text(test_after),
                        features=features, folds=folds, crm=crm, property=property)
        if class_weight is not None:
            opts["scoring.class_weight"] = (
                ("balanced" if class_weight else "none") if isinstance(class_weight, bool)
                else str(class_weight))

        def table(output):
            return self._run("score", dict(opts, **{"scoring.output": output}))

        # The first table fits the model, the others reuse it. With design
        # it is the design, which always fits (the engine does not keep the
        # matrix). Either way an invalid option fails before any other table.
        design_table = table("design") if design else None
        summary = table("summary")
        return ScoringResult(
            summary=summary,
            coefficients=table("coefficients"),
            calibration=table("calibration"),
            lift=table("lift"),
            threshold=table("threshold"),
            folds=table("folds"),
            scores=table("scores"),
            design=design_table,
            writeback=table("writeback") if crm is not None else None)

    def report(self, path, *, by="source", title=None, config=None, strict=False,
               cohort=None, within=None, **options):
        """Writes the self-contained HTML report, as ``baton report``, to
        path (written to a temporary name, then renamed).

        Args:
            by: segment of the funnel tables (default "source"; None: none).
            title: the report's title.
            config: a TOML file with a ``[scorecard]`` table for the KPI
                section; default: the mapping file this workspace was loaded
                from, as the command line does.
            strict, cohort, within: as in :meth:`funnel`.
            **options: other options of the analyses, with their prefix
                (``**{"handoff.sla": "4h"}``).
        """
        opts = _options("funnel", cohort=cohort, within=_frames.duration(within, "within"))
        opts["funnel.by"] = by or ""
        if strict:
            opts["funnel.strict"] = "true"
        if title is not None:
            opts["report.title"] = str(title)
        config = config if config is not None else self._mapping
        if config is not None:
            opts["scorecard.config"] = os.fspath(config)
        opts.update({k: _option_text(v, k) for k, v in options.items()})
        self._ws.report(os.fspath(path), opts)

    def save(self, path):
        """Saves this workspace as a ``.baton`` file (binary, versioned, with a
        checksum per section; see core/store/FORMAT.md), freezing it first.
        The file is written to a temporary name and renamed, so a failure
        never leaves half a file. ``baton.load("FILE.baton")`` reads it back
        with every table, code and the funnel unchanged, several times faster
        than re-reading the CSV files.

        Raises:
            BatonError: the file cannot be written (the message names it).
        """
        self._ws.save(os.fspath(path))

    def _run(self, analysis, options):
        return _frames.to_frame(self._ws.analyze(analysis, options), stacklevel=4)

    # ---- lifetime -------------------------------------------------------

    def close(self):
        """Frees the engine's memory now; later calls raise BatonError.
        Waits for analyses running in other threads. Idempotent."""
        self._ws.close()

    @property
    def closed(self):
        """True once close() was called."""
        return self._ws.closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _has_connector_prefix(source):
    name, sep, _ = source.partition(":")
    return bool(sep) and len(name) > 1 and name.replace("_", "").replace("-", "").isalnum()


def load(source, *, options=None, progress=True):
    """Loads a source into a new :class:`Workspace`.

    ``baton.load("data/olist.toml")`` reads a mapping file with the csv
    connector; ``baton.load("csv:data/olist.toml")`` names the connector;
    connector options go in ``options={...}``. See :meth:`Workspace.load`
    for progress and errors.
    """
    ws = Workspace()
    try:
        ws.load(source, options=options, progress=progress)
    except BaseException:
        ws.close()
        raise
    return ws


def from_pandas(people=None, touches=None, stages=None, deals=None, spend=None, *,
                columns=None):
    """A new :class:`Workspace` from pandas DataFrames, one per canonical table.

    Columns are matched by the canonical field names:

    - people: person_id (required), account_id, created_at, source, owner,
      email, and attributes
    - touches: person_id, at (required), channel, campaign, side
      ("marketing" or "sales"), activity, cost
    - stages: person_id, stage, at (required), disposition, reason
    - deals: deal_id (required), account_id, person_id, created_at,
      closed_at, amount, currency, stage, is_won, is_closed, owner, source,
      campaign
    - spend: channel or campaign, amount (required), period_start,
      period_end, currency

    ``columns`` maps fields to your column names per table, as a csv mapping
    file does, and lists people attributes::

        baton.from_pandas(people=leads, stages=stages, columns={
            "people": {"person_id": "mql_id", "created_at": "first_contact_date",
                       "source": "origin", "attributes": ["landing_page_id"]}})

    Times may be datetime64 (naive = UTC), tz-aware datetimes (converted to
    UTC), pd.Timestamp or datetime objects, ISO 8601 text, or int64 epoch
    milliseconds. Ids may be text or integers; labels may be categoricals.
    Numeric, time and category-code columns are handed to the engine without
    a copy (Arrow C Data Interface); text is converted once.

    Raises:
        InvalidArgumentError (a ValueError): an unknown table or field, a
            mapped column that does not exist, a missing required column (the
            message lists the fields), an unsupported dtype.
        DataError (a ValueError): a value that cannot be read (the message
            names column and row, counted from 0).
    """
    frames = {"people": people, "touches": touches, "stages": stages, "deals": deals,
              "spend": spend}
    columns = dict(columns or {})
    for table in columns:
        if table not in frames:
            raise InvalidArgumentError(
                f"columns: unknown table \"{table}\"; tables are {', '.join(_frames.TABLES)}")
        if frames[table] is None:
            raise InvalidArgumentError(
                f"columns['{table}'] is given but no {table} DataFrame is")
    ws = Workspace()
    try:
        for table, df in frames.items():
            if df is not None:
                ws.add_frame(table, df, columns=columns.get(table))
    except BaseException:
        ws.close()
        raise
    return ws


def sample(folder, people=20000, seed=42, months=None):
    """Writes the deterministic sample B2B dataset (people, touches, stages,
    deals, spend as CSV) and ``sample.toml``, the mapping that reads it, into
    folder (created). Returns the path of sample.toml, ready for
    :func:`baton.load`. The same seed gives the same bytes."""
    opts = {"sample.people": str(int(people)), "sample.seed": str(int(seed))}
    if months is not None:
        opts["sample.months"] = str(int(months))
    folder = os.fspath(folder)
    _baton.sample_write(folder, opts)
    return os.path.join(folder, "sample.toml")


def plugins():
    """The connector plugins found, as a DataFrame: name, version,
    description, path, abi, can_read, can_write. Plugin files that were
    refused are in ``df.attrs["warnings"]`` (and issued as warnings)."""
    return _frames.to_frame(_baton.plugins())


def sync(source, into, *, since=None, options=None):
    """Incremental load, as ``baton sync``: reads source with the connector
    option ``since`` and merges its rows into the ``.baton`` file ``into``
    (created when absent) without duplicating rows, then saves it atomically.

    Args:
        source: any source :func:`load` accepts.
        into: the ``.baton`` file to merge into.
        since: None or "" reads everything; "auto" reads the rows modified
            since the previous sync of this same source (saved in the file);
            or a timestamp ("2024-05-01", "2024-05-01T00:00:00Z").
        options: connector options, as in :func:`load`.

    Returns:
        A DataFrame with, per table, the rows added, replaced and unchanged
        (merge keys: people by person_id, deals by deal_id, touches by
        person, time, channel, campaign, side and activity, stages by
        person, stage and time, spend by channel, campaign and period).

    Raises:
        FileMissingError: source or a file it names does not exist.
        DataError: a value cannot be read, or ``into`` is damaged (it is
            then left untouched).
    """
    opts = _connector_options(options)
    return _frames.to_frame(_baton.sync(os.fspath(source), os.fspath(into),
                                        "" if since is None else str(since), opts))


def load_plugin(path):
    """Loads one connector plugin file explicitly. Raises FileMissingError
    for a missing file, BatonError for a file that is not a compatible plugin
    (the message names both ABI versions)."""
    _baton.load_plugin(os.fspath(path))
