// A throwaway 2048-bit RSA key pair made for tests only; it protects nothing.
/// Throwaway RSA key pairs for tests, shared by the test targets.
public enum TestKeys {
    public static let primaryPrivatePEM = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAugQ9qtFNT95+k9kJs4ezkx5POt9ydh11vP8K0AwspsAdDrkD
        NS2Q7mr85w9VL8ox9TO1G4ZqmAXsTINtDchEbeLzchtqm8XcA+KvShl4rBWyrTX9
        UDF7LA3ldvVhvqtVOmVDp5wheV0Q1CfVMaZ0L1lanV6Ahx9mpACI0yKfqD78Vu/m
        vjVGUUyF5PMi/CsJ1l/bjrPb1mavmo/LjvK6iaj70XLXYPAgT7+/pcuD6g7jTp2K
        wojcmPBf0Jw9OtNYwYXIhH7WOiS7kISvETmQ8eACNu4B9+jUhmPC6EjgbAF2hI+I
        NdMaBVBSzt5s34puwk/AZv6cobLhw/cgWTAxrwIDAQABAoIBAB3TCj7LZMrr0H2i
        Ac/axRb5zW2SCpxs0sYlBOB14z7adI46FGKVVgnJS5fnDxskyb0Xt5pHLetb9Ra7
        cmO6+rBnqpgJVJ7PKscmCZbRiKsxUL7my3ZCc2ONLX+qONbE9QWc24ERzmgoB3Jh
        7z5mWCCIrLeoluY99EtSmUgeOAerHenoDJEIE0Y9+m7P/r3Iog1cgzKHYpi5HeYb
        BFXUxHij3bTal9K1OrEAklkrqO1ZqYV4M5F7amkX6qFXWfAdqlqTXVMO76znTz+t
        AK5wod66eRB+1vSCU26kZf49DrSiGwg4OrqgiCBlrUN/pbK/q1YS5U6HP8ZAKoUX
        FNngI2kCgYEA8pUGlW8K7iCcUmDG6yEzuZJyn0sFz2Vidg9gTrOLn7/XOtnxtj9t
        DxrGFqdqN/z/Ohzkw0l7OnLM3gWHZFlOx/UCCLWSz6B8dCEViyaCLd3M1Y+/bWMX
        s2joqTVNRJdDY27vBdcjrAhlf35nUGWrRCubsbB9QkknYGznQcfro3MCgYEAxE4+
        fva+dPrOmzPxSVRAxcC1jU2ppuz3jpkjt7ry0eyomJAygl112DMZ2gCc97wb/ebY
        JEvNmfuoWY4oYTCHdBGfoZqZi/XAHmZjqBOEWtnjJsxtbSc5fICNwVWtxyPYnTtg
        GjiIyZyGcPS5UUDWNO7cICecIwuqFBbkGS2bQdUCgYEAzMOuwwTwnQE58u9t+ZwV
        JVfRGVUimmZiLnXcPZKhET/GVg8SUVxImq9m9khrCMeuSUeKcq3cLwIonGDeYH5i
        Wbce+GsMeeZmJ0CmBseCq2TGOp8UXyl+IBs2CV7M0lE8uPozGSL5IYYU5wG0A9FO
        OET3L45irUlCy8ohiw1OgrECgYBu4OcJ3aK7/kIehds+mPkw+WVSl9BAec5mW/dB
        urWWfv7HlYMCAXojkNGEQh5nC3ggFHh3H93UoMF5PANwyfFoTOAGboVV+Yv3X8vg
        To3Opw1Xh9Yy9hnRSedHkXZjacrbHINurAoPHnsNaB0YWO/k3Bm3i8f0P41kZX2W
        /xyXtQKBgAhb1snFUttfQtiBxcu9SoVH6GS6nhU82TquNKJrBFVAbr129QqUHjoZ
        D8iVM98p7+2/Ep/Xl+Be1JH4yPs1PbYp0Pi6hfm6neKyXJHW+ArfMyOC5f4F39Ei
        kIR1vrHhCpFoGcMR3rH3jm0pbYEU8j4L1mLAVoQlr1hrIa7DMfvM
        -----END RSA PRIVATE KEY-----
        """
    public static let primaryPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAugQ9qtFNT95+k9kJs4ez
        kx5POt9ydh11vP8K0AwspsAdDrkDNS2Q7mr85w9VL8ox9TO1G4ZqmAXsTINtDchE
        beLzchtqm8XcA+KvShl4rBWyrTX9UDF7LA3ldvVhvqtVOmVDp5wheV0Q1CfVMaZ0
        L1lanV6Ahx9mpACI0yKfqD78Vu/mvjVGUUyF5PMi/CsJ1l/bjrPb1mavmo/LjvK6
        iaj70XLXYPAgT7+/pcuD6g7jTp2KwojcmPBf0Jw9OtNYwYXIhH7WOiS7kISvETmQ
        8eACNu4B9+jUhmPC6EjgbAF2hI+INdMaBVBSzt5s34puwk/AZv6cobLhw/cgWTAx
        rwIDAQAB
        -----END PUBLIC KEY-----
        """
    public static let primaryJWK =
        #"{"kty": "RSA", "n": "ugQ9qtFNT95-k9kJs4ezkx5POt9ydh11vP8K0AwspsAdDrkDNS2Q7mr85w9VL8ox9TO1G4ZqmAXsTINtDchEbeLzchtqm8XcA-KvShl4rBWyrTX9UDF7LA3ldvVhvqtVOmVDp5wheV0Q1CfVMaZ0L1lanV6Ahx9mpACI0yKfqD78Vu_mvjVGUUyF5PMi_CsJ1l_bjrPb1mavmo_LjvK6iaj70XLXYPAgT7-_pcuD6g7jTp2KwojcmPBf0Jw9OtNYwYXIhH7WOiS7kISvETmQ8eACNu4B9-jUhmPC6EjgbAF2hI-INdMaBVBSzt5s34puwk_AZv6cobLhw_cgWTAxrw", "e": "AQAB", "d": "HdMKPstkyuvQfaIBz9rFFvnNbZIKnGzSxiUE4HXjPtp0jjoUYpVWCclLl-cPGyTJvRe3mkct61v1FrtyY7r6sGeqmAlUns8qxyYJltGIqzFQvubLdkJzY40tf6o41sT1BZzbgRHOaCgHcmHvPmZYIIist6iW5j30S1KZSB44B6sd6egMkQgTRj36bs_-vciiDVyDModimLkd5hsEVdTEeKPdtNqX0rU6sQCSWSuo7VmphXgzkXtqaRfqoVdZ8B2qWpNdUw7vrOdPP60ArnCh3rp5EH7W9IJTbqRl_j0OtKIbCDg6uqCIIGWtQ3-lsr-rVhLlToc_xkAqhRcU2eAjaQ", "p": "8pUGlW8K7iCcUmDG6yEzuZJyn0sFz2Vidg9gTrOLn7_XOtnxtj9tDxrGFqdqN_z_Ohzkw0l7OnLM3gWHZFlOx_UCCLWSz6B8dCEViyaCLd3M1Y-_bWMXs2joqTVNRJdDY27vBdcjrAhlf35nUGWrRCubsbB9QkknYGznQcfro3M", "q": "xE4-fva-dPrOmzPxSVRAxcC1jU2ppuz3jpkjt7ry0eyomJAygl112DMZ2gCc97wb_ebYJEvNmfuoWY4oYTCHdBGfoZqZi_XAHmZjqBOEWtnjJsxtbSc5fICNwVWtxyPYnTtgGjiIyZyGcPS5UUDWNO7cICecIwuqFBbkGS2bQdU", "dp": "zMOuwwTwnQE58u9t-ZwVJVfRGVUimmZiLnXcPZKhET_GVg8SUVxImq9m9khrCMeuSUeKcq3cLwIonGDeYH5iWbce-GsMeeZmJ0CmBseCq2TGOp8UXyl-IBs2CV7M0lE8uPozGSL5IYYU5wG0A9FOOET3L45irUlCy8ohiw1OgrE", "dq": "buDnCd2iu_5CHoXbPpj5MPllUpfQQHnOZlv3Qbq1ln7-x5WDAgF6I5DRhEIeZwt4IBR4dx_d1KDBeTwDcMnxaEzgBm6FVfmL91_L4E6NzqcNV4fWMvYZ0UnnR5F2Y2nK2xyDbqwKDx57DWgdGFjv5NwZt4vH9D-NZGV9lv8cl7U", "qi": "CFvWycVS219C2IHFy71KhUfoZLqeFTzZOq40omsEVUBuvXb1CpQeOhkPyJUz3ynv7b8Sn9eX4F7UkfjI-zU9tinQ-LqF-bqd4rJckdb4Ct8zI4Ll_gXf0SKQhHW-seEKkWgZwxHesfeObSltgRTyPgvWYsBWhCWvWGshrsMx-8w"}"#
    public static let otherPrivatePEM = """
        -----BEGIN RSA PRIVATE KEY-----
        MIIEowIBAAKCAQEAvaVw7K6/PfQPU0oa6XfqcXPbE9kRpZ0Ypgs4jlh+X6LaS2Ue
        9U3pcORtgbHCOQ5Gqu/HpnyxEtNbIq1ASgFonBbVhziTv9Z996IaStyuBgL3U7BY
        NjBB95J9KnOob4fFeGP8NopdYevzQzL+/6OTtb8WXd/aiOGCNe7mRAhyF6TVLSEH
        LK+46C5ZI381Vx8Y/jt/oDZSBxSQMHZtnNfB727Gpefc1grue0gVNGHBn8LX0Vm+
        NKwisKUZbyp5enxtM75F+eB6sccLUL7wDsPOwAicQ5LVMwjdTaOOJ+9lFwXDuyog
        ADaM34Pt/133IS+rwp9ejHU4/7RrIedYmDf3ewIDAQABAoIBAAP2ZPmiXRSU+OJV
        9gyoGMSYwHHAY1dWhPaoiAdRX11C2yogHsQkBfCklTUp2v5eMf54VsTqbg4P+c4r
        reAzT1WTlI/oEA4+E7u3g10fvJ3GNMIRjoZIqS2HE15uXuKVr6aS+ujDfgKsb2oZ
        XVfyDwVed2qBYYuNSq8zIqnhPfZdzg0brbbm6gLF4d2rE/TSXeOw52kU5TEi6z7y
        SnmePboSwkBB/SQFLE/OQVYfnvs/ejWFaJRWFrYDgndD7F2k3GSN7fADfhjNw1HF
        4VY8O/iDZWXTcrEzowt25QOc+pWQjz+j/03Ar1eJs3BSw62T3wIg7IkaRHgjuVUM
        9Zt/dkECgYEA9oBmZ0L0U8mpu/5s6cYJleaCeAhhfKztFeq1zSYCniOIEUpM5i19
        hoxFqbFM7u6KUl6sGTePCezi28oohtvnNnmIkQwP9DSs4a0EGW8SrIDsKR04lFui
        /Bse7DFjWgNSxWdgnuFmbyq7+8DRDfPhuJOwot5R74spfrbJd9IptaMCgYEAxPQx
        /uafji69k8Gvh6jUMfHPYfTAd38GgKdtmn+sIf4ps4wrB3uAIfSDFDJjYrt6zcx8
        pOlry3jP3Gi8eG7+BlqN+xvpTpjMHkKKJd62dF2j8cy04/3ZPtdr3ZF4MH2MtAHr
        Gpe1/MLLYMp6NyJrwLTNlKofwKebWXQpGMYa5EkCgYBa/grPE2gdhdOiEckigngH
        XY/Lv0w9OZhK/tkdYWqV9YfE2iiIz0IG6MDOYySDDosA3PGqXVfv0gHsIDPVlFdF
        RJek807wVoF6zOM2gEnkY7LJen/oQ+tmJJzFk3WZRKDJPd/sxkeJwbyisgp5nA02
        lU4e0PJt+nDW1aKJGItNAQKBgGRreb5Uyk+NZ12Z6KyLmT2p5Co2x5dl7ePU+h5H
        MHXYiFyigCH9hzRI3jiDBIeHvbKGq5rN5QdGnvzrbgUd2mlU7IV3ErrfT1uyY4ux
        hWfJgti7nhOND6Jp5fZ/wD9BFGeHft79MW4hx96e/jd0VmpYBWXiY/QvwRaYEogu
        IfH5AoGBAJc25CoiPkTlIXmjSoZmo9NWl5SQ8ZCqKc7fO054RxT8dJ+zYJ8p55lQ
        0Y5NHWpQ3eBwFbD6gu+P1t1vTdoSCkVmpG5U+MqViqTLB14SNyeEF7WtZlbrXfoi
        vkF6QF924jJF4F8RTiVuxRg/r+SHYeJIbLQVOFYRHJ4qnsMsAMIg
        -----END RSA PRIVATE KEY-----
        """
    public static let otherPublicPEM = """
        -----BEGIN PUBLIC KEY-----
        MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAvaVw7K6/PfQPU0oa6Xfq
        cXPbE9kRpZ0Ypgs4jlh+X6LaS2Ue9U3pcORtgbHCOQ5Gqu/HpnyxEtNbIq1ASgFo
        nBbVhziTv9Z996IaStyuBgL3U7BYNjBB95J9KnOob4fFeGP8NopdYevzQzL+/6OT
        tb8WXd/aiOGCNe7mRAhyF6TVLSEHLK+46C5ZI381Vx8Y/jt/oDZSBxSQMHZtnNfB
        727Gpefc1grue0gVNGHBn8LX0Vm+NKwisKUZbyp5enxtM75F+eB6sccLUL7wDsPO
        wAicQ5LVMwjdTaOOJ+9lFwXDuyogADaM34Pt/133IS+rwp9ejHU4/7RrIedYmDf3
        ewIDAQAB
        -----END PUBLIC KEY-----
        """
    public static let otherJWK =
        #"{"kty": "RSA", "n": "vaVw7K6_PfQPU0oa6XfqcXPbE9kRpZ0Ypgs4jlh-X6LaS2Ue9U3pcORtgbHCOQ5Gqu_HpnyxEtNbIq1ASgFonBbVhziTv9Z996IaStyuBgL3U7BYNjBB95J9KnOob4fFeGP8NopdYevzQzL-_6OTtb8WXd_aiOGCNe7mRAhyF6TVLSEHLK-46C5ZI381Vx8Y_jt_oDZSBxSQMHZtnNfB727Gpefc1grue0gVNGHBn8LX0Vm-NKwisKUZbyp5enxtM75F-eB6sccLUL7wDsPOwAicQ5LVMwjdTaOOJ-9lFwXDuyogADaM34Pt_133IS-rwp9ejHU4_7RrIedYmDf3ew", "e": "AQAB", "d": "A_Zk-aJdFJT44lX2DKgYxJjAccBjV1aE9qiIB1FfXULbKiAexCQF8KSVNSna_l4x_nhWxOpuDg_5ziut4DNPVZOUj-gQDj4Tu7eDXR-8ncY0whGOhkipLYcTXm5e4pWvppL66MN-AqxvahldV_IPBV53aoFhi41KrzMiqeE99l3ODRuttubqAsXh3asT9NJd47DnaRTlMSLrPvJKeZ49uhLCQEH9JAUsT85BVh-e-z96NYVolFYWtgOCd0PsXaTcZI3t8AN-GM3DUcXhVjw7-INlZdNysTOjC3blA5z6lZCPP6P_TcCvV4mzcFLDrZPfAiDsiRpEeCO5VQz1m392QQ", "p": "9oBmZ0L0U8mpu_5s6cYJleaCeAhhfKztFeq1zSYCniOIEUpM5i19hoxFqbFM7u6KUl6sGTePCezi28oohtvnNnmIkQwP9DSs4a0EGW8SrIDsKR04lFui_Bse7DFjWgNSxWdgnuFmbyq7-8DRDfPhuJOwot5R74spfrbJd9IptaM", "q": "xPQx_uafji69k8Gvh6jUMfHPYfTAd38GgKdtmn-sIf4ps4wrB3uAIfSDFDJjYrt6zcx8pOlry3jP3Gi8eG7-BlqN-xvpTpjMHkKKJd62dF2j8cy04_3ZPtdr3ZF4MH2MtAHrGpe1_MLLYMp6NyJrwLTNlKofwKebWXQpGMYa5Ek", "dp": "Wv4KzxNoHYXTohHJIoJ4B12Py79MPTmYSv7ZHWFqlfWHxNooiM9CBujAzmMkgw6LANzxql1X79IB7CAz1ZRXRUSXpPNO8FaBeszjNoBJ5GOyyXp_6EPrZiScxZN1mUSgyT3f7MZHicG8orIKeZwNNpVOHtDybfpw1tWiiRiLTQE", "dq": "ZGt5vlTKT41nXZnorIuZPankKjbHl2Xt49T6HkcwddiIXKKAIf2HNEjeOIMEh4e9soarms3lB0ae_OtuBR3aaVTshXcSut9PW7Jji7GFZ8mC2LueE40Pomnl9n_AP0EUZ4d-3v0xbiHH3p7-N3RWalgFZeJj9C_BFpgSiC4h8fk", "qi": "lzbkKiI-ROUheaNKhmaj01aXlJDxkKopzt87TnhHFPx0n7NgnynnmVDRjk0dalDd4HAVsPqC74_W3W9N2hIKRWakblT4ypWKpMsHXhI3J4QXta1mVutd-iK-QXpAX3biMkXgXxFOJW7FGD-v5Idh4khstBU4VhEcniqewywAwiA"}"#
}
