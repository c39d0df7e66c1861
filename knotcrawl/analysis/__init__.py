"""Analyst tools: export writers, statistics, the monthly chart, terminal tables.

``export`` writes CSV, JSON Lines and Parquet (pyarrow) in batches; ``stats`` gathers the
archive's statistics and draws the chart (matplotlib); ``tables`` formats aligned tables.
The heavy libraries are imported only by the functions that need them.
"""
