"""The pure core: numbers in, numbers out. No database, files, environment, clock or global
random state; callers pass ``now`` and a :class:`numpy.random.Generator`."""
