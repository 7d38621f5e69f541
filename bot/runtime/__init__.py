"""Running scopebot: the ``scopebot`` command, the supervisor and cluster, profiles, evaluations.

The top layer: it may import every other package, and names ``channels.*`` and
``actions.*`` modules in strings (the processes and channels it starts). Nothing else
imports it.
"""
