from nornir_flexvpn.lab.pki import make_test_pkcs12
from nornir_flexvpn.releases import Release
from nornir_flexvpn.tasks import deploy_flexvpn
from tests.pki.conftest import PASSPHRASE

def test_smoke(lab, material_nornir):
    h = lab(Release.V17_15_1, candidate=True)
    nr, folder = material_nornir([h], bundle=make_test_pkcs12(PASSPHRASE))
    agg = nr.run(task=deploy_flexvpn, on_failed=True)
    r = agg[h.name][0]
    print(r.result.as_dict() if hasattr(r.result, "as_dict") else r.result, r.exception)
    agg = nr.run(task=deploy_flexvpn, on_failed=True)
    r = agg[h.name][0]
    print(r.result.as_dict()["material"], r.result.changed)
    from nornir_flexvpn.lab.clients import connect_client
    print(connect_client(h.device, "test", "cisco123", "198.51.100.7"))
