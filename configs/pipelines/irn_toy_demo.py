# `make demo`: the IRN chain of irn_toy.py, then stage 3: a stock mmseg DeepLab v2
# (configs/seg/deeplabv2_r18-d8_1xb8-2ki_toyvoc-128x128_irn-labels.py) trained on its
# semantic pseudo labels and scored on the val GT masks:
#   python tools/run_pipeline.py configs/pipelines/irn_toy_demo.py
# Steps train_seg_irn / test_seg_irn / report_seg_irn (report/seg_irn/seg_preds.png:
# val images, GT, the model's predictions); summary.json gets baselines.seg.IRN.mIoU.
# They are steps of irn_toy_baselines.py (`make demo-baselines`: + the GT and CAM-label
# twins and Mask R-CNN), with the same names and work_dir: either run reuses what the
# other finished.
_base_ = ['./irn_toy_baselines.py']
steps = _base_.demo_steps
baseline_rows = dict(_delete_=True, seg=dict(IRN=dict(mIoU='seg_irn_miou')))
