"""Documents and exports: one neutral model, one writer per format.

``sheets`` writes every CSV and XLSX cell so that nothing can run as a formula.
"""
