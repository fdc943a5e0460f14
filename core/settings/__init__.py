"""Settings split by purpose: ``base`` (shared), ``dev``, ``test`` and ``production``.

Everything that differs between installations comes from the environment.
"""
