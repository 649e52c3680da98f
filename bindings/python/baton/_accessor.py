"""The DataFrame accessor ``df.baton``: a result's name, warnings and plot.

Registered when ``baton`` is imported. Results stay plain DataFrames (every
pandas operation works and returns pandas types); what makes them Baton
results is ``df.attrs["baton_table"]`` and ``df.attrs["warnings"]``.
"""
import pandas as pd

from . import plot as _plot


@pd.api.extensions.register_dataframe_accessor("baton")
class BatonAccessor:
    """``df.baton``: helpers for DataFrames returned by Baton analyses."""

    def __init__(self, df):
        self._df = df

    @property
    def table(self):
        """The analysis that made the DataFrame ("funnel", ...), or None."""
        return self._df.attrs.get("baton_table")

    @property
    def warnings(self):
        """The result's data-quality warnings (a list of str)."""
        return list(self._df.attrs.get("warnings", []))

    def plot(self, ax=None, **kwargs):
        """The result's plot (baton.plot.funnel, baton.plot.attribution...);
        returns the matplotlib Axes."""
        return _plot.for_result(self._df, ax=ax, **kwargs)
