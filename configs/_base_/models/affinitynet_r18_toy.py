# The toy AffinityNet (CPU-sized): affinitynet_r50.py on the toy CAM classifier's
# quarter-width ResNet-18 (16 stem / base channels, from its checkpoint, trained from
# scratch: no ImageNet weights; configs/cam/cam_r18_1xb8-30e_toyvoc-128x128.py). Its
# stem stays frozen and BN keeps the CAM statistics, as PSA trains ResNet-38.
# Stride 4, all four levels: the toy images are 160-256 px, PSA's VOC images ~500 px,
# so at stride 4 the toy maps have as many cells (40-64) as PSA's stride-8 maps and
# radius 5, beta 8 and t 256 keep their reach. (At stride 8 the 20-32-cell maps blur
# the small objects: 54 mIoU instead of 66 on 60 images.) The levels keep their
# width (16..128, PSA reduces 512..4096 to 64..256) and mix into 128 channels.
# Leaf configs point the backbone's init_cfg at the trained CAM checkpoint.
_base_ = ['./affinitynet_r50.py']
stride = 4
model = dict(
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        out_indices=(0, 1, 2, 3),
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1)),
    decode_head=dict(
        in_channels=(16, 32, 64, 128),
        reduce_channels=(16, 32, 64, 128),
        channels=128),
    test_cfg=dict(stride=stride))
