# (b) AffinityNet on ResNet-50 on PASCAL VOC 2012, the IRN paper's comparison:
# IRN's CAMs (ResNet-50) -> affinity labels -> AffinityNet-R50 -> PSA labels ->
# mIoU (rows cam_r50_miou, affinitynet_r50_miou).
#   python tools/run_pipeline.py configs/pipelines/affinitynet_r50_voc12.py --launcher pytorch --gpus 8
# Needs data/VOCdevkit/VOC2012; see psa_r38_voc12.py about train vs train_aug.
_base_ = ['./psa_toy.py']
work_dir = 'work_dirs/affinitynet_r50_voc12'
vars = dict(
    data_root='data/VOCdevkit/VOC2012',
    cam_config='configs/cam/cam_r50_1xb16-5e_voc12aug-512x512.py',
    psa_config='configs/psa/affinitynet_r50_1xb8-8e_voc12aug-448x448.py',
    # PSA starts AffinityNet from ImageNet, not from the CAM network
    affinity_init='torchvision://resnet50',
)
# the toy thresholds of psa_toy.py go: the VOC configs' own apply (PSA's alpha 4 / 32
# for the affinity labels, alpha 16 for the labels)
_TOY_ONLY = ('miner.fg_thr=', 'miner.bg_thr=', 'model.labeler.bg_thr=')
_steps = [dict(s, cmd=[a for a in s['cmd'] if not a.startswith(_TOY_ONLY)])
          for s in _base_.steps if s['name'] != 'toy_data']
steps = [dict(s, summary={k.replace('cam_', 'cam_r50_').replace('psa_', 'affinitynet_r50_'): v
                          for k, v in s['summary'].items()}) if 'summary' in s else s
         for s in _steps]
