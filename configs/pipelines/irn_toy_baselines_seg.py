# irn_toy_baselines.py without the Mask R-CNN steps (~20 min on 2 CPU cores): the demo
# chain, DeepLab v2 on the IRN, GT and CAM-only labels, baselines.seg only.
#   python tools/run_pipeline.py configs/pipelines/irn_toy_baselines_seg.py
_base_ = ['./irn_toy_baselines.py']
_ins = ('coco_gt_', 'train_ins', 'test_ins')
steps = [s for s in _base_.steps if not s['name'].startswith(_ins)]
baseline_rows = dict(_delete_=True, seg=_base_.baseline_rows.seg)
