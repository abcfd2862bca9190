"""Effect estimators: staggered difference-in-differences (``did``), synthetic control (``synth``).

Pure numerics (numpy/scipy), no Django.
"""
