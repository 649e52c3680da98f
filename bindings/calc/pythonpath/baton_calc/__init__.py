"""The Baton Calc add-in's Python code (loaded by baton_addin.py).

capi: the C ABI through ctypes; ranges: cell ranges to canonical rows;
functions: the cell functions; report: the "Build alignment report" command.
"""
