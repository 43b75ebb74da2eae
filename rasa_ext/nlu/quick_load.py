"""The ResponseSelectors load in half the time: their weights are built eagerly.

To give a loaded model its variables, Rasa 3.6 (`RasaModel.load`) runs one training step on one
example, then overwrites the weights with the trained ones. Keras traces that step as a graph
(forward, CRF loss, gradients): on 2 cores, half of `rasa run`'s ~100 s start-up (py-spy). Run
eagerly, the same step builds the same variables in about a second; the weights loaded next are the
trained ones either way, and prediction is still traced once, at load, as before.

`install()` runs when `rasa_ext.nlu` is imported, which every model of ours does before it loads a
component (config.yml names our classifier by module path). Fine-tuning is left as Rasa does it.
"""

from __future__ import annotations

from typing import Any

from rasa.utils.tensorflow.constants import RUN_EAGERLY
from rasa.utils.tensorflow.models import RasaModel

_rasa_load = RasaModel.load.__func__  # type: ignore[attr-defined]


def _load(cls: type[RasaModel], model_file_name: str, model_data_example: Any, predict_data_example: Any = None,
          finetune_mode: bool = False, *args: Any, **kwargs: Any) -> RasaModel:
    if finetune_mode or kwargs.get("config", {}).get(RUN_EAGERLY):
        return _rasa_load(cls, model_file_name, model_data_example, predict_data_example, finetune_mode,
                          *args, **kwargs)
    eager = {**kwargs, "config": {**kwargs.get("config", {}), RUN_EAGERLY: True}}
    model = _rasa_load(cls, model_file_name, model_data_example, None, finetune_mode, *args, **eager)
    model.config[RUN_EAGERLY] = False
    model.run_eagerly = False  # predictions as a traced graph, as Rasa loads them
    if predict_data_example:
        model.run_inference(predict_data_example)  # the trace, now rather than at the first message
    return model


def install() -> None:
    """Replace `RasaModel.load` (once)."""
    if RasaModel.load.__func__ is not _load:  # type: ignore[attr-defined]
        RasaModel.load = classmethod(_load)  # type: ignore[method-assign]
