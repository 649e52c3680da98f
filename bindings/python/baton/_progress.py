"""Progress bars for long engine calls (tqdm.auto: a widget in notebooks that
have ipywidgets, a text bar elsewhere). tqdm is optional: without it there
is no bar."""
import os
import time
import warnings


class ProgressBar:
    """A progress callback (fraction, phase) -> False that draws a tqdm bar.

    The bar appears only once a call has run for `delay` seconds, so quick
    loads print nothing. close() removes it.
    """

    def __init__(self, delay=0.5):
        self._delay = delay
        self._start = time.monotonic()
        self._bar = None
        self._failed = False

    def __call__(self, fraction, phase):
        if self._failed:
            return False
        if self._bar is None:
            try:
                with warnings.catch_warnings():
                    # Without ipywidgets tqdm.auto warns, then draws text: fine.
                    warnings.simplefilter("ignore")
                    from tqdm.auto import tqdm
            except ImportError:
                self._failed = True
                return False
            self._bar = tqdm(total=100, unit="%", delay=self._delay, leave=False,
                             bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}]")
        # Explicit refreshes draw at once: only once the delay has passed.
        visible = time.monotonic() - self._start >= self._delay
        verb, _, where = phase.partition(" ")
        desc = f"{verb} {os.path.basename(where)}" if where else verb
        if desc != self._bar.desc:
            self._bar.set_description_str(desc, refresh=False)
            if visible:
                self._bar.refresh()  # a new file: show it now
        if fraction >= 0:
            target = min(100.0, fraction * 100.0)
            if target > self._bar.n:
                self._bar.update(target - self._bar.n)
            if target >= 100.0 and visible:
                self._bar.refresh()
        return False

    def close(self):
        if self._bar is not None:
            self._bar.close()
            self._bar = None
