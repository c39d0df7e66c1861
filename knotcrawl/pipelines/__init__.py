"""Item pipelines, one job each, in this order (``ITEM_PIPELINES`` in knotcrawl.settings):

1. :class:`~knotcrawl.pipelines.validate.ValidatePipeline` (100): repair small defects, drop
   records that break the contract (stats ``knotcrawl/fixed/<what>``,
   ``knotcrawl/dropped/<reason>``).
2. :class:`~knotcrawl.pipelines.fields.FieldLevelsPipeline` (200): per-field cascade-level stats
   ``knotcrawl/field/<field>/<level>`` and the layout-drift counters.
3. :class:`~knotcrawl.pipelines.store.StorePipeline` (300): the archive write and the frontier
   mark, in one step (stats ``knotcrawl/stored/new|updated|unchanged``, ``knotcrawl/gone`` ...).
"""
