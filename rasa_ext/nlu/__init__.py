"""NLU components of our pipeline (config.yml), named there by module path.

Importing this package makes Rasa's TensorFlow components load faster (`quick_load`).
"""

from rasa_ext.nlu import quick_load

quick_load.install()
