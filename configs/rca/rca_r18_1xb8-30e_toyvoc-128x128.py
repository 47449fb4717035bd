# RCA (CVPR22) on the toy benchmark: the toy CAM classifier (same ResNet-18, data,
# 30 epochs / 1500 iterations, AdamW schedule) with its head swapped for RCAHead
# (coarse CAMs -> region embeddings -> memory bank; [F, F'] -> final CAMs). The CAMs
# come out of the CAM classifier's inference and writers unchanged. The paper's
# memory hyperparameters (queue 500, momentum 0.99, score 0.7, K 10, tau 0.07,
# Beta(8, 8), weights 1 / 0.4 / 0.01, contrast from the 2nd epoch) are the head's
# defaults, as are the released code's random bank and projected aggregation;
# RCAHook clusters the bank before every epoch. No saliency (the toy has no saliency
# maps); RCA's released saliency labels are switched on as in
# rca_vgg16_1xb8-30e_voc12aug-368x368_saliency-labels.py (see README.md).
_base_ = ['../cam/cam_r18_1xb8-30e_toyvoc-128x128.py']
model = dict(cam_head=dict(type='RCAHead'))
custom_hooks = [dict(type='RCAHook')]
