"""The network app's models, one module per sub-domain (events; material, news and the public
face), gathered here so Django finds them."""

from .models_events import *  # noqa: F401,F403
from .models_public import *  # noqa: F401,F403
