# The toy IRNet (CPU-sized): irn_r50.py on the toy CAM classifier's quarter-width
# ResNet-18 (16 stem / base channels; configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py).
# Leaf configs point the backbone's init_cfg at the trained CAM checkpoint.
_base_ = ['./irn_r50.py']
model = dict(
    backbone=dict(depth=18, stem_channels=16, base_channels=16),
    # a narrower displacement branch for the smaller backbone
    decode_head=dict(
        in_channels=(16, 16, 32, 64, 128),
        disp_channels=(32, 64, 128, 128, 128),
        disp_fuse_channels=128))
