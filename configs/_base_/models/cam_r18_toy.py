# The toy CAM classifier (CPU-sized): cam_r50.py on ResNet-18 at a quarter of its
# width (16 stem / base channels) trained from scratch, since no pretrained weights
# can be assumed: its BN layers train and no stage is frozen. Leaf configs set
# cam_head.num_classes.
_base_ = ['./cam_r50.py']
model = dict(
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False,
        frozen_stages=-1,
        init_cfg=None),
    cam_head=dict(in_channels=128))
