#!/usr/bin/env python3
"""mkcorpus.py - (re)generate the jubao test corpus of email messages.

Writes tests/data/mail/NN-name.eml (raw RFC 5322 messages, some with CRLF and
some with LF line endings) and NN-name.expect (what an honest reader of the
message expects the parser to find; see tests/golden.sh for the keys).

The output is deterministic: fixed dates, Message-IDs, boundaries and
attachment bytes.  The generated files are committed, so the tests never need
python; run this script again only after changing it:

    python3 tests/data/mkcorpus.py

Most messages are written as raw text here on purpose: several must be
malformed, or use 8-bit headers, or split encoded-words in the middle of a
character, which no well-behaved generator produces.
"""

import base64
import hashlib
import os
import sys
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'mail')

CORPUS = []  # dicts: name, raw (bytes, LF), eol, expect (list of (k, v))

TO1 = 'jubao@example.cn'
TO2 = 'report@example.cn'


# ---------------------------------------------------------------- helpers

def b64lines(data, width=76):
    """base64 of data, wrapped, as a str with LF line ends (no final LF)."""
    s = base64.b64encode(data).decode('ascii')
    return '\n'.join(s[i:i + width] for i in range(0, len(s), width))


def qp(data, width=76):
    """quoted-printable of data (bytes with LF line ends), soft breaks may
    fall between the bytes of one multi-byte character."""
    out = []
    for line in data.split(b'\n'):
        toks = []
        for b in line:
            if (33 <= b <= 126 and b != 61) or b == 32:
                toks.append(chr(b))
            else:
                toks.append('=%02X' % b)
        if toks and toks[-1] in (' ', '\t'):
            toks[-1] = '=%02X' % ord(toks[-1])
        cur = ''
        for t in toks:
            if len(cur) + len(t) > width - 1:
                out.append(cur + '=')
                cur = ''
            cur += t
        out.append(cur)
    return '\n'.join(out)


def ew(charset, data, enc='B'):
    """one RFC 2047 encoded-word holding the given bytes."""
    if enc == 'B':
        return '=?%s?B?%s?=' % (charset, base64.b64encode(data).decode('ascii'))
    s = ''
    for b in data:
        if b == 32:
            s += '_'
        elif 33 <= b <= 126 and chr(b) not in '=?_':
            s += chr(b)
        else:
            s += '=%02X' % b
    return '=?%s?Q?%s?=' % (charset, s)


def ew_split(charset, data, cuts):
    """encoded-words of data cut at the given byte offsets, each on its own
    folded line (the cuts are meant to fall inside a character)."""
    parts = []
    last = 0
    for c in list(cuts) + [len(data)]:
        parts.append(ew(charset, data[last:c]))
        last = c
    return '\n '.join(parts)


def pct(charset, name):
    """RFC 2231 value charset''percent-encoded."""
    return "%s''%s" % (charset, urllib.parse.quote(name.encode(charset), safe=''))


def fake(kind, seed, size=600):
    """deterministic attachment bytes that look like the named file type."""
    head = {
        'png': b'\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR',
        'jpg': b'\xff\xd8\xff\xe0\x00\x10JFIF\x00',
        'pdf': b'%PDF-1.4\n%\xe2\xe3\xcf\xd3\n',
    }[kind]
    body = b''
    h = seed.encode('utf-8')
    while len(body) < size:
        h = hashlib.sha256(h).digest()
        body += h
    tail = b'\n%%EOF\n' if kind == 'pdf' else b''
    return head + body[:size] + tail


def date(day, hh, mm):
    wd = {20: 'Fri', 21: 'Sat', 22: 'Sun', 23: 'Mon', 24: 'Tue', 25: 'Wed'}[day]
    return '%s, %d Nov 2026 %02d:%02d:00 +0800' % (wd, day, hh, mm)


def u8(s):
    return s.encode('utf-8')


def hdrs(n, short, frm, subject, day=23, hh=9, mm=0, to=TO1, extra=''):
    """the usual header block as str (LF), without the final blank line.
    subject is used as given (already encoded where needed)."""
    s = ('Return-Path: <%s>\n' % addr_of(frm) +
         'Received: from mail.example.com (mail.example.com [192.0.2.25])\n'
         '\tby mx.example.cn (Postfix) with ESMTPS id 4Jb%02dQx%s;\n'
         '\t%s\n' % (n, short[:6].upper().replace('-', 'X'), date(day, hh, mm)) +
         'From: %s\n' % frm +
         'To: %s\n' % to +
         'Subject: %s\n' % subject +
         'Date: %s\n' % date(day, hh, mm) +
         'Message-ID: <%02d.%s@mail.example.com>\n' % (n, short) +
         'MIME-Version: 1.0\n')
    return s + extra


def addr_of(frm):
    if '<' in frm:
        return frm[frm.index('<') + 1:frm.index('>')]
    return frm


def add(n, short, raw, expect, eol='\n', subject=None, text=None):
    """register a message.  raw: bytes with LF line ends.  subject/text: the
    decoded subject and body text as plain str, kept only for checking."""
    if isinstance(raw, str):
        raw = raw.encode('ascii')
    assert b'\r' not in raw, short
    CORPUS.append(dict(name='%02d-%s' % (n, short), raw=raw, eol=eol,
                       expect=expect, subject=subject, text=text))


def name_from(display, address):
    return '%s <%s>' % (ew('UTF-8', u8(display)), address)


def ct_text(charset='utf-8', cte='8bit', sub='plain'):
    return ('Content-Type: text/%s; charset=%s\n'
            'Content-Transfer-Encoding: %s\n' % (sub, charset, cte))


# ---------------------------------------------------------------- messages

def m01():
    subj = '举报人肉搜索和网络暴力'
    body = ('您好：\n\n'
            '我的同学在微博上被人肉搜索，对方把她的照片和工作单位公布出来，'
            '并组织大量账号辱骂、围攻她。\n'
            '相关微博：https://weibo.com/7654321/NxYzAbCdE\n'
            '发布者：@键盘侠小明 ，已经持续三天。\n\n'
            '请尽快处理。\n\n'
            '姓名：张三\n'
            '电话：13812345678\n')
    raw = u8(hdrs(1, 'utf8-plain', name_from('张三', 'zhangsan@example.com'),
                  subj, hh=8, mm=1) + ct_text() + '\n') + u8(body)
    add(1, 'utf8-plain', raw, [
        ('subject', subj), ('category', 'cyberviolence'),
        ('url', 'https://weibo.com/7654321/NxYzAbCdE'),
        ('account', '键盘侠小明'), ('phone', '13812345678'),
        ('reporter_name', '张三'), ('text-contains', '被人肉搜索'),
        ('text-contains', '辱骂、围攻她')],
        eol='\r\n', subject=subj, text=body)


def m02():
    subj = '举报刷单诈骗'
    body = ('你好，\n'
            '有人在QQ群里以“刷单返利”为名诈骗，先让人小额刷单返现，再以“卡单”为由'
            '要求继续转账，我已被骗走三千元。\n'
            '对方QQ账号：2875541234\n'
            '收款网站：http://shuadan-fanli.example.net/login.php?id=88\n'
            '联系人：李四\n'
            '手机: 139-1234-5678\n')
    raw = u8(hdrs(2, 'gbk-body', name_from('李四', 'lisi@example.com'),
                  ew('GBK', subj.encode('gbk')), hh=8, mm=12) +
             ct_text('gbk') + '\n') + body.encode('gbk')
    add(2, 'gbk-body', raw, [
        ('subject', subj), ('category', 'fraud'),
        ('url', 'http://shuadan-fanli.example.net/login.php?id=88'),
        ('account', '2875541234'), ('phone', '13912345678'),
        ('reporter_name', '李四'), ('text-contains', '刷单返利'),
        ('text-contains', '我已被骗走三千元')],
        subject=subj, text=body)


def m03():
    # labelled gb2312, but 喆 堃 镕 exist only in GBK / GB18030
    subj = '举报泄露个人信息（王喆）'
    body = ('举报有人泄露我家人的个人信息。\n'
            '某论坛帖子 http://bbs.example.org/thread-12345-1-1.html 公开了我弟弟'
            '王喆的身份证号、家庭住址和手机号码，还配了照片。\n'
            '帖子作者用户名: liu_rong_88（昵称“朱镕粉丝”）。\n'
            '请删除该帖子。\n'
            '姓名：李堃\n'
            '电话：0755-86013388\n')
    raw = u8(hdrs(3, 'gb2312-label-gbk-chars', 'likun@example.com',
                  ew('gb2312', subj.encode('gbk')), hh=8, mm=30) +
             ct_text('gb2312') + '\n') + body.encode('gbk')
    try:
        body.encode('gb2312')
        raise SystemExit('m03: body must not be plain GB2312')
    except UnicodeEncodeError:
        pass
    add(3, 'gb2312-label-gbk-chars', raw, [
        ('subject', subj), ('category', 'privacy'),
        ('url', 'http://bbs.example.org/thread-12345-1-1.html'),
        ('account', 'liu_rong_88'), ('phone', '075586013388'),
        ('reporter_name', '李堃'), ('text-contains', '我弟弟王喆的身份证号'),
        ('text-contains', '朱镕粉丝')],
        eol='\r\n', subject=subj, text=body)


def m04():
    subj = '举报主播𠮷祥宝宝诱导未成年人打赏'
    body = ('举报某直播平台诱导未成年人打赏。\n'
            '主播“𠮷祥宝宝”在直播间 https://live.example.com/room/556677 以抽奖为名，'
            '诱导小学生用家长手机大额充值，有孩子一晚刷了两万元。\n'
            '主播账号：jixiang_baobao\n'
            '希望平台保护未成年人。\n'
            '联系人：陈女士\n'
            '电话：021-5012 3456\n')
    raw = u8(hdrs(4, 'gb18030', 'chen.ns@example.com',
                  ew('GB18030', subj.encode('gb18030')), hh=9, mm=5) +
             ct_text('GB18030') + '\n') + body.encode('gb18030')
    add(4, 'gb18030', raw, [
        ('subject', subj), ('category', 'minors'),
        ('url', 'https://live.example.com/room/556677'),
        ('account', 'jixiang_baobao'), ('phone', '02150123456'),
        ('reporter_name', '陈女士'), ('text-contains', '主播“𠮷祥宝宝”在直播间'),
        ('text-contains', '诱导小学生')],
        subject=subj, text=body)


def m05():
    subj = '檢舉線上博彩網站'
    body = ('您好：\n'
            '我要檢舉一個線上博彩網站 https://www.lucky-bet88.example.com/ ，'
            '該網站以「真人百家樂」招攬玩家下注，許多玩家血本無歸，'
            '並在臉書社團大量散播廣告。\n'
            '社團管理員帳號：luckybet_admin\n'
            '網站還提供 LINE 客服帳號 @bet88vip 。\n'
            '聯絡人：陳大文\n'
            '電話：+852 2345 6789\n')
    raw = u8(hdrs(5, 'big5', name_from('陳大文', 'tmchan@example.com.hk'),
                  ew('big5', subj.encode('big5')), hh=9, mm=20, to=TO2) +
             ct_text('big5') + '\n') + body.encode('big5')
    assert b'\xb3\x5c' in body.encode('big5')  # 許: trail byte is a backslash
    add(5, 'big5', raw, [
        ('subject', subj), ('category', 'gambling'),
        ('url', 'https://www.lucky-bet88.example.com/'),
        ('account', 'bet88vip'), ('account', 'luckybet_admin'),
        ('phone', '+85223456789'), ('reporter_name', '陳大文'),
        ('text-contains', '真人百家樂'), ('text-contains', '許多玩家血本無歸')],
        eol='\r\n', subject=subj, text=body)


def m06():
    subj = '举报色情直播平台'
    body = ('该平台以“交友”为名提供裸聊和色情直播服务，主播在直播间公开招揽付费“一对一”。\n'
            '网址：www.yese-live.example.cn/room/8848\n'
            '推广微博账号：yeselive2026\n'
            '请依法查处。\n')
    head = hdrs(6, 'raw-8bit-gbk-headers', 'WANGXS <wang.xs@example.com>', 'SUBJECT6',
                hh=9, mm=40).encode('ascii')
    head = head.replace(b'From: WANGXS', b'From: ' + '王先生'.encode('gbk'))
    head = head.replace(b'Subject: SUBJECT6', b'Subject: ' + subj.encode('gbk'))
    raw = head + u8(ct_text('GBK') + '\n') + body.encode('gbk')
    add(6, 'raw-8bit-gbk-headers', raw, [
        ('subject', subj), ('category', 'porn'),
        ('url', 'www.yese-live.example.cn/room/8848'),
        ('account', 'yeselive2026'), ('text-contains', '裸聊和色情直播服务')],
        subject=subj, text=body)


def m07():
    subj = '举报网络谣言：某地发生地震的不实信息'
    body = ('近日有账号发布“某市今晚将发生8级地震”的虚假信息，并配以旧视频，引发恐慌，大量转发。\n'
            '经查，当地地震局已辟谣，该消息纯属造谣。\n'
            '原帖：https://www.douyin.com/video/7301234567890123456?share_id=abc&utm_source=copy#comments\n'
            '发布者：@震区小道消息\n'
            '联系人：赵六\n'
            '手机: 186 0000 1234\n')
    raw = u8(hdrs(7, 'rfc2047-b', name_from('赵六', 'zhaoliu@example.com'),
                  ew('UTF-8', u8(subj)), hh=10, mm=2) + ct_text() + '\n') + u8(body)
    add(7, 'rfc2047-b', raw, [
        ('subject', subj), ('category', 'rumour'),
        ('url', 'https://www.douyin.com/video/7301234567890123456?share_id=abc&utm_source=copy#comments'),
        ('account', '震区小道消息'), ('phone', '18600001234'),
        ('reporter_name', '赵六'), ('text-contains', '该消息纯属造谣')],
        eol='\r\n', subject=subj, text=body)


def m08():
    subj = '举报 赌博网站 (urgent)'
    body = ('举报一个赌球网站，世界杯期间大量推广“稳赚不赔”的投注方案，诱导网友充值下注。\n'
            '网址：https://qiu.example.cc/bet?match=2026&ref=wx\n'
            '客服微信账号：qiuwang2026\n')
    enc = qp(u8(body))
    # the point of this message: a soft line break inside a UTF-8 sequence
    ls = enc.split('\n')
    assert any(a.endswith('=') and b[:2] in ('=8', '=9', '=A', '=B')
               for a, b in zip(ls, ls[1:])), enc
    s = ew('UTF-8', u8('举报 赌博网站'), 'Q') + ' (urgent)'
    raw = u8(hdrs(8, 'rfc2047-q-qp-body', 'gambling.watch@example.com', s,
                  hh=10, mm=15) + ct_text('UTF-8', 'quoted-printable') +
             '\n' + enc + '\n')
    add(8, 'rfc2047-q-qp-body', raw, [
        ('subject', subj), ('category', 'gambling'),
        ('url', 'https://qiu.example.cc/bet?match=2026&ref=wx'),
        ('account', 'qiuwang2026'), ('text-contains', '“稳赚不赔”的投注方案'),
        ('text-contains', '诱导网友充值下注')],
        subject=subj, text=body)


def m09():
    subj = '举报有偿删帖和网络敲诈行为'
    data = subj.encode('gbk')
    cuts = (7, 17)  # odd offsets: inside the 4th and the 9th character
    body = ('某自称“舆情公关”的团队先在论坛发布针对我单位的负面帖子，随后联系我们，'
            '声称支付两万元即可“有偿删帖”，否则继续扩散。\n'
            '帖子地址：http://bbs.example-forum.cn/viewthread.php?tid=998877\n'
            '对方账号：pr_delete_88\n'
            '姓名：孙八\n'
            '电话：13698765432\n')
    raw = u8(hdrs(9, 'rfc2047-gbk-split', 'sunba@example.com',
                  ew_split('gbk', data, cuts), hh=10, mm=30) +
             ct_text('gbk') + '\n') + body.encode('gbk')
    add(9, 'rfc2047-gbk-split', raw, [
        ('subject', subj), ('category', 'extortion'),
        ('url', 'http://bbs.example-forum.cn/viewthread.php?tid=998877'),
        ('account', 'pr_delete_88'), ('phone', '13698765432'),
        ('reporter_name', '孙八'), ('text-contains', '声称支付两万元即可“有偿删帖”')],
        eol='\r\n', subject=subj, text=body)


def m10():
    subj = '檢舉有人假冒我的身分開設帳號'
    data = subj.encode('big5')
    body = ('有人盜用我的照片和姓名，在Instagram開設帳號 @chen.meiling.official 假冒本人，'
            '向我的朋友借錢。\n'
            '假帳號網址：https://www.instagram.com/chen.meiling.official/\n'
            '本人真實帳號為 @chen_meiling 。\n'
            '姓名：陳美玲\n'
            '電話：0912-345-678\n')
    raw = u8(hdrs(10, 'rfc2047-big5-split', 'meiling.chen@example.com.tw',
                  ew_split('big5', data, (5, 13, 21)), hh=11, mm=0, to=TO2) +
             ct_text('big5', 'base64') + '\n' + b64lines(body.encode('big5')) + '\n')
    add(10, 'rfc2047-big5-split', raw, [
        ('subject', subj), ('category', 'impersonation'),
        ('url', 'https://www.instagram.com/chen.meiling.official/'),
        ('account', 'chen.meiling.official'), ('phone', '0912345678'),
        ('reporter_name', '陳美玲'), ('text-contains', '假冒本人，向我的朋友借錢')],
        subject=subj, text=body)


def m11():
    subj = '举报钓鱼网站诈骗'
    html = ('<!DOCTYPE html>\n'
            '<html><head><meta charset="utf-8"><title>mail</title>\n'
            '<style type="text/css">\n'
            'body { font-family: "SimSun"; }\n'
            '.hidden-style-marker { color: red; }\n'
            '</style>\n'
            '<script type="text/javascript">\n'
            'var trackerSecret = "SCRIPT_SHOULD_NOT_APPEAR"; if (1 < 2) { document.write("<p>x</p>"); }\n'
            '</script>\n'
            '</head><body>\n'
            '<p>您好，</p>\n'
            '<p>我收到一条短信，冒充银行客服，让我点击<a href="https://icbc-secure.example.top/verify?u=8800">这个链接</a>'
            '更新“安全证书”，打开后是一个仿冒网上银行的钓鱼网站，要求输入银行卡号和密码。</p>\n'
            '<p>另一个相似网站：<a href=\'http://www.icbc-vip.example.top/\'>点这里</a></p>\n'
            '<p>所谓的Q&amp;A页面同样是假的。</p>\n'
            '<p>联系人：吴九<br>电话：13511112222</p>\n'
            '</body></html>\n')
    raw = u8(hdrs(11, 'html-only', name_from('吴九', 'wujiu@example.com'),
                  ew('UTF-8', u8(subj)), hh=11, mm=20) + ct_text('"utf-8"', '8bit', 'html') +
             '\n') + u8(html)
    add(11, 'html-only', raw, [
        ('subject', subj), ('category', 'fraud'),
        ('url', 'https://icbc-secure.example.top/verify?u=8800'),
        ('url', 'http://www.icbc-vip.example.top/'),
        ('phone', '13511112222'), ('reporter_name', '吴九'),
        ('text-contains', '仿冒网上银行的钓鱼网站'),
        ('text-contains', 'Q&A页面'),
        ('text-lacks', 'SCRIPT_SHOULD_NOT_APPEAR'),
        ('text-lacks', 'hidden-style-marker'),
        ('text-lacks', 'document.write'),
        ('text-lacks', '<p>'), ('text-lacks', '&amp;')],
        eol='\r\n', subject=subj,
        text='我收到一条短信，冒充银行客服，让我点击这个链接更新“安全证书”，打开后是一个仿冒网上银行'
             '的钓鱼网站，要求输入银行卡号和密码。另一个相似网站：点这里 所谓的Q&A页面同样是假的。'
             '联系人：吴九 电话：13511112222')


def m12():
    subj = '举报谣言：小区自来水被污染'
    plain = ('网上流传“某小区自来水被污染、喝了会致癌”的谣言，已被当地水务部门澄清，'
             '但仍有营销号继续传谣。\n'
             '链接：https://www.toutiao.com/article/7312345678901234567/\n'
             '营销号：@健康生活小百科\n'
             '联系人：韩先生\n'
             '电话：13355556666\n')
    html = ('<html><body><div>网上流传“某小区自来水被污染、喝了会致癌”的<b>谣言</b>，'
            '已被当地水务部门澄清，但仍有营销号继续传谣。</div>\n'
            '<div>链接：<a href="https://www.toutiao.com/article/7312345678901234567/">'
            'https://www.toutiao.com/article/7312345678901234567/</a></div>\n'
            '<div>营销号：@健康生活小百科</div>\n'
            '<div>联系人：韩先生<br>电话：13355556666</div></body></html>\n')
    b = '----=_Part_12_alt_0001'
    raw = u8(hdrs(12, 'multipart-alternative', 'han@example.com',
                  ew('UTF-8', u8(subj)), hh=11, mm=45) +
             'Content-Type: multipart/alternative;\n\tboundary="%s"\n\n' % b +
             'This is a multi-part message in MIME format.\n\n' +
             '--%s\n' % b + ct_text('UTF-8', '8bit') + '\n' + plain + '\n' +
             '--%s\n' % b + ct_text('UTF-8', 'base64', 'html') + '\n' +
             b64lines(u8(html)) + '\n' +
             '--%s--\n' % b)
    add(12, 'multipart-alternative', raw, [
        ('subject', subj), ('category', 'rumour'),
        ('url', 'https://www.toutiao.com/article/7312345678901234567/'),
        ('account', '健康生活小百科'), ('phone', '13355556666'),
        ('reporter_name', '韩先生'), ('text-contains', '但仍有营销号继续传谣')],
        subject=subj, text=plain)


def m13():
    subj = '举报诱导未成年人的游戏论坛'
    body = ('举报某游戏论坛板块存在针对未成年人的不良内容：有成年用户以“送皮肤”为诱饵，'
            '私信中学生索要照片和个人信息。\n'
            '板块地址：https://bbs.example-game.com/forum-233-1.html\n'
            '涉事用户名: skin_gift_666\n'
            '联系人：刘老师\n'
            '电话：020-12345678\n')
    raw = u8(hdrs(13, 'base64-body', name_from('刘老师', 'liu.teacher@example.edu.cn'),
                  ew('utf-8', u8(subj)), hh=12, mm=5) +
             ct_text('utf-8', 'base64') + '\n' + b64lines(u8(body), 72) + '\n')
    add(13, 'base64-body', raw, [
        ('subject', subj), ('category', 'minors'),
        ('url', 'https://bbs.example-game.com/forum-233-1.html'),
        ('account', 'skin_gift_666'), ('phone', '02012345678'),
        ('reporter_name', '刘老师'), ('text-contains', '私信中学生索要照片')],
        eol='\r\n', subject=subj, text=body)


def m14():
    subj = '举报淫秽小说网站'
    body = ('举报某小说网站传播淫秽色情小说，首页推荐大量低俗内容，没有任何年龄验证。\n'
            '网址：http://xs.example-novel.net/list/18.html\n'
            '谢谢！\n')
    raw = u8(hdrs(14, 'gbk-quoted-printable', 'reader2026@example.com',
                  ew('GBK', subj.encode('gbk')), hh=12, mm=30) +
             'Content-Type: TEXT/PLAIN; CHARSET="GBK"\n'
             'Content-Transfer-Encoding: Quoted-Printable\n\n' +
             qp(body.encode('gbk')) + '\n')
    add(14, 'gbk-quoted-printable', raw, [
        ('subject', subj), ('category', 'porn'),
        ('url', 'http://xs.example-novel.net/list/18.html'),
        ('text-contains', '传播淫秽色情小说'), ('text-contains', '首页推荐大量低俗内容')],
        subject=subj, text=body)


def m15():
    subj = '举报微信群泄露个人隐私'
    plain = ('举报微信群内泄露我的个人隐私。\n'
             '群主将我的身份证照片、家庭住址和病历截图转发到多个群，并在朋友圈公开。\n'
             '朋友圈链接：https://wx.example.qq.com/s/AbCdEf123\n'
             '群主微信账号：wxid_qunzhu01\n'
             '截图和说明见附件。\n'
             '姓名：黄十一\n'
             '电话：13700001111\n')
    html = '<html><body>' + plain.replace('\n', '<br>\n') + '</body></html>\n'
    b1, b2, b3 = '=_outer_15', '=_inner_15', '=_alt_15'
    jpg = fake('jpg', 'm15-1')
    pdf = fake('pdf', 'm15-2')
    raw = u8(hdrs(15, 'nested-multipart', 'huang11@example.com',
                  ew('UTF-8', u8(subj)), hh=13, mm=0) +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b1 +
             '--%s\n' % b1 +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b2 +
             '--%s\n' % b2 +
             'Content-Type: multipart/alternative; boundary="%s"\n\n' % b3 +
             '--%s\n' % b3 + ct_text('utf-8', 'quoted-printable') + '\n' + qp(u8(plain)) + '\n' +
             '--%s\n' % b3 + ct_text('utf-8', 'base64', 'html') + '\n' + b64lines(u8(html)) + '\n' +
             '--%s--\n\n' % b3 +
             '--%s\n' % b2 +
             'Content-Type: image/jpeg\n'
             'Content-Transfer-Encoding: base64\n'
             "Content-Disposition: attachment; filename*=%s\n\n" % pct('utf-8', '截图1.jpg') +
             b64lines(jpg) + '\n' +
             '--%s--\n\n' % b2 +
             '--%s\n' % b1 +
             'Content-Type: application/pdf; name="%s"\n' % ew('UTF-8', u8('证据说明.pdf')) +
             'Content-Transfer-Encoding: base64\n'
             'Content-Disposition: attachment; filename="%s"\n\n' % ew('UTF-8', u8('证据说明.pdf')) +
             b64lines(pdf) + '\n' +
             '--%s--\n' % b1)
    add(15, 'nested-multipart', raw, [
        ('subject', subj), ('category', 'privacy'),
        ('url', 'https://wx.example.qq.com/s/AbCdEf123'),
        ('account', 'wxid_qunzhu01'), ('phone', '13700001111'),
        ('reporter_name', '黄十一'),
        ('evidence', '截图1.jpg|image/jpeg'), ('evidence', '证据说明.pdf|application/pdf'),
        ('text-contains', '群主将我的身份证照片、家庭住址和病历截图')],
        eol='\r\n', subject=subj, text=plain)


def m16():
    # Apple Mail style: alternative > [plain, mixed > [html, attachment, html]]
    subj = '举报网络敲诈'
    plain = ('有人自称记者，以曝光我店“食品安全问题”相要挟，索要五千元“版面费”，'
             '否则发布负面报道，属于网络敲诈。\n'
             '对方发布的文章：https://www.example-news.cn/a/20261120/123.html\n'
             '对方账号：@今日曝光台\n'
             '聊天记录见附件。\n')
    html1 = ('<html><body><div>有人自称记者，以曝光我店“食品安全问题”相要挟，索要五千元“版面费”，'
             '否则发布负面报道，属于网络敲诈。</div><div>对方发布的文章：'
             '<a href="https://www.example-news.cn/a/20261120/123.html">'
             'https://www.example-news.cn/a/20261120/123.html</a></div>'
             '<div>对方账号：@今日曝光台</div><div>聊天记录见附件。</div>'
             '<div><img src="cid:part1.16"></div></body></html>\n')
    html2 = '<html><body><div><br></div></body></html>\n'
    png = fake('png', 'm16')
    ba, bm = 'Apple-Mail=_ALT-16', 'Apple-Mail=_MIX-16'
    raw = u8(hdrs(16, 'apple-alternative-mixed', 'shopowner@example.com',
                  ew('utf-8', u8(subj)), hh=13, mm=20,
                  extra='X-Mailer: Apple Mail (2.3696.120.41.1.1)\n') +
             'Content-Type: multipart/alternative; boundary="%s"\n\n' % ba +
             '--%s\n' % ba + ct_text('utf-8', 'base64') + '\n' + b64lines(u8(plain)) + '\n' +
             '--%s\n' % ba +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % bm +
             '--%s\n' % bm + ct_text('utf-8', 'quoted-printable', 'html') + '\n' + qp(u8(html1)) + '\n' +
             '--%s\n' % bm +
             'Content-Disposition: inline; filename*=%s\n' % pct('utf-8', '聊天记录.png') +
             'Content-Type: image/png; x-unix-mode=0644; name*=%s\n' % pct('utf-8', '聊天记录.png') +
             'Content-Transfer-Encoding: base64\n'
             'Content-Id: <part1.16>\n\n' +
             b64lines(png) + '\n' +
             '--%s\n' % bm + ct_text('us-ascii', '7bit', 'html') + '\n' + html2 +
             '--%s--\n\n' % bm +
             '--%s--\n' % ba)
    add(16, 'apple-alternative-mixed', raw, [
        ('subject', subj), ('category', 'extortion'),
        ('url', 'https://www.example-news.cn/a/20261120/123.html'),
        ('account', '今日曝光台'),
        ('evidence', '聊天记录.png|image/png'),
        ('text-contains', '否则发布负面报道，属于网络敲诈')],
        subject=subj, text=plain)


def m17():
    subj = '举报网暴和开盒'
    body = ('我在某游戏直播间因为发言被主播带节奏，随后大量粉丝私信辱骂我，'
            '还有人“开盒”公布我的工作单位，持续网暴一周。\n'
            '直播间：https://live.example.com/room/90210\n'
            '主播账号：@暴躁老哥阿强\n'
            '相关截图和聊天记录见附件。\n'
            '姓名：钱十二\n'
            '手机: 150-0000-9999\n')
    b = 'b17_mixed_RFC2231'
    n3 = '辱骂截图2.jpg'
    raw = u8(hdrs(17, 'attach-rfc2231', name_from('钱十二', 'qian12@example.com'),
                  ew('UTF-8', u8(subj)), hh=14, mm=0) +
             'Content-Type: multipart/mixed; boundary=%s\n\n' % b +
             '--%s\n' % b + ct_text('UTF-8') + '\n' + body + '\n' +
             '--%s\n' % b +
             'Content-Type: image/png\n'
             'Content-Transfer-Encoding: base64\n'
             "Content-Disposition: attachment;\n filename*=UTF-8''%E6%88%AA%E5%9B%BE.png\n\n" +
             b64lines(fake('png', 'm17-1')) + '\n' +
             '--%s\n' % b +
             'Content-Type: application/pdf\n'
             'Content-Transfer-Encoding: base64\n'
             "Content-Disposition: attachment;\n filename*0*=UTF-8''%E8%81%8A%E5%A4%A9;\n"
             " filename*1*=%E8%AE%B0%E5%BD%95.pdf\n\n" +
             b64lines(fake('pdf', 'm17-2')) + '\n' +
             '--%s\n' % b +
             'Content-Type: image/jpeg\n'
             'Content-Transfer-Encoding: base64\n'
             'Content-Disposition: attachment; filename*=%s\n\n' % pct('GBK', n3) +
             b64lines(fake('jpg', 'm17-3')) + '\n' +
             '--%s--\n' % b)
    assert '%E6%88%AA%E5%9B%BE' == urllib.parse.quote(u8('截图'))
    assert '%E8%81%8A%E5%A4%A9%E8%AE%B0%E5%BD%95' == urllib.parse.quote(u8('聊天记录'))
    add(17, 'attach-rfc2231', raw, [
        ('subject', subj), ('category', 'cyberviolence'),
        ('url', 'https://live.example.com/room/90210'),
        ('account', '暴躁老哥阿强'), ('phone', '15000009999'),
        ('reporter_name', '钱十二'),
        ('evidence', '截图.png|image/png'), ('evidence', '聊天记录.pdf|application/pdf'),
        ('evidence', n3 + '|image/jpeg'),
        ('text-contains', '持续网暴一周'),
        ('text-lacks', 'iVBORw0KGgo'), ('text-lacks', 'JVBERi0x')],
        eol='\r\n', subject=subj, text=body)


def m18():
    subj = '举报杀猪盘诈骗'
    body = ('我在婚恋网站认识一名“投资顾问”，对方诱导我在虚假平台投资，先小额盈利后无法提现，'
            '共被骗二十万元，是典型的杀猪盘诈骗。\n'
            '平台网址：https://vip.example-invest.top/#/home\n'
            '对方账号：@金牌导师Linda\n'
            '转账记录和聊天截图见附件。\n'
            '姓名：郑十三\n'
            '电话：13900002222\n')
    b = '------------0180B27F5E1A4C3D9E18'
    n1, n2 = '转账记录.jpg', '聊天截图.png'
    raw = u8(hdrs(18, 'attach-rfc2047-name', name_from('郑十三', 'zheng13@example.com'),
                  ew('UTF-8', u8(subj)), hh=14, mm=25,
                  extra='User-Agent: Mozilla Thunderbird\n') +
             'Content-Type: multipart/mixed;\n boundary="%s"\n\n' % b +
             '--%s\n' % b + 'Content-Type: text/plain; charset=UTF-8; format=flowed\n'
             'Content-Transfer-Encoding: 8bit\n\n' + body + '\n' +
             '--%s\n' % b +
             'Content-Type: image/jpeg;\n name="%s"\n' % ew('UTF-8', u8(n1)) +
             'Content-Disposition: attachment;\n filename="%s"\n' % ew('UTF-8', u8(n1)) +
             'Content-Transfer-Encoding: base64\n\n' +
             b64lines(fake('jpg', 'm18-1')) + '\n' +
             '--%s\n' % b +
             'Content-Type: image/png; name="%s"\n' % ew('GBK', n2.encode('gbk')) +
             'Content-Disposition: attachment\n'
             'Content-Transfer-Encoding: base64\n\n' +
             b64lines(fake('png', 'm18-2')) + '\n' +
             '--%s--\n' % b)
    add(18, 'attach-rfc2047-name', raw, [
        ('subject', subj), ('category', 'fraud'),
        ('url', 'https://vip.example-invest.top/#/home'),
        ('account', '金牌导师Linda'), ('phone', '13900002222'),
        ('reporter_name', '郑十三'),
        ('evidence', n1 + '|image/jpeg'), ('evidence', n2 + '|image/png'),
        ('text-contains', '是典型的杀猪盘诈骗')],
        subject=subj, text=body)


def m19():
    subj = 'Fwd: 举报诈骗邮件'
    outer = ('转发一封冒充税务局的钓鱼邮件，邮件称可以办理退税，链接指向钓鱼网站，骗取银行卡信息。请处理。\n'
             '联系人：冯十四\n'
             '电话：13600003333\n')
    inner_body = ('尊敬的纳税人：\n'
                  '您有一笔个人所得税退税待领取，请于48小时内登录 '
                  'http://tax-refund.example.xyz/claim?id=5521 办理，逾期作废。\n'
                  '国家税务总局\n')
    inner = ('From: =?gb2312?B?%s?= <noreply@tax-refund.example.xyz>\n'
             % base64.b64encode('税务局'.encode('gb2312')).decode() +
             'To: feng14@example.com\n'
             'Subject: %s\n' % ew('gb2312', '个人所得税退税通知'.encode('gb2312')) +
             'Date: Sat, 21 Nov 2026 03:12:44 +0800\n'
             'Message-ID: <tax.5521@tax-refund.example.xyz>\n'
             'MIME-Version: 1.0\n' +
             ct_text('gb2312', 'base64') + '\n' +
             b64lines(inner_body.encode('gb2312')) + '\n')
    b = '_fwd_19_boundary_'
    raw = u8(hdrs(19, 'forward-rfc822', name_from('冯十四', 'feng14@example.com'),
                  ew('UTF-8', u8(subj)), hh=15, mm=0) +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
             '--%s\n' % b + ct_text('UTF-8') + '\n' + outer + '\n' +
             '--%s\n' % b +
             'Content-Type: message/rfc822\n'
             'Content-Disposition: inline\n\n' + inner + '\n' +
             '--%s--\n' % b)
    add(19, 'forward-rfc822', raw, [
        ('subject', subj), ('category', 'fraud'),
        ('url', 'http://tax-refund.example.xyz/claim?id=5521'),
        ('phone', '13600003333'), ('reporter_name', '冯十四'),
        ('text-contains', '转发一封冒充税务局的钓鱼邮件'),
        ('text-contains', '您有一笔个人所得税退税待领取'),
        ('text-lacks', b64lines(inner_body.encode('gb2312'))[:24])],
        eol='\r\n', subject=subj, text=outer + inner_body)


def m20():
    subj = 'Re: [JB 261123000017] 举报仿冒我公司官网'
    body = ('您好，按要求补充材料：\n'
            '1. 营业执照副本扫描件（见附件）；\n'
            '2. 本人保证所举报内容真实、合法，并承担相应法律责任。\n\n'
            '联系人：何十五\n'
            '电话：010-6552 1234\n\n'
            '在 2026年11月23日 09:00，jubao@example.cn 写道：\n'
            '> 您的举报已受理，案件编号 261123000017。\n'
            '> 缺少：证明材料（营业执照）、真实性保证。\n')
    b = '=_reply_20'
    raw = u8(hdrs(20, 'reply-subject-case', name_from('何十五', 'he15@example-corp.cn'),
                  'Re: [JB 261123000017] ' + ew('UTF-8', u8('举报仿冒我公司官网')),
                  day=24, hh=9, mm=10) +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
             '--%s\n' % b + ct_text('UTF-8') + '\n' + body + '\n' +
             '--%s\n' % b +
             'Content-Type: application/pdf; name="%s"\n' % ew('UTF-8', u8('营业执照.pdf')) +
             'Content-Disposition: attachment; filename*=%s\n' % pct('UTF-8', '营业执照.pdf') +
             'Content-Transfer-Encoding: base64\n\n' +
             b64lines(fake('pdf', 'm20')) + '\n' +
             '--%s--\n' % b)
    add(20, 'reply-subject-case', raw, [
        ('subject', subj), ('case_named', '261123000017'),
        ('phone', '01065521234'), ('reporter_name', '何十五'),
        ('evidence', '营业执照.pdf|application/pdf'),
        ('text-contains', '按要求补充材料')],
        subject=subj, text=body)


def m21():
    subj = '回复：举报受理通知'
    body = '补充截图一张，见附件。原帖已被对方修改，截图是修改前的内容。\n'
    b = '=_reply_21'
    raw = u8(hdrs(21, 'reply-in-reply-to', 'he15@example-corp.cn',
                  ew('UTF-8', u8(subj)), day=24, hh=10, mm=0,
                  extra='In-Reply-To: <jubao.261123000017.ack@example.cn>\n'
                        'References: <jubao.261123000017.ack@example.cn>\n') +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
             '--%s\n' % b + ct_text('UTF-8') + '\n' + body + '\n' +
             '--%s\n' % b +
             'Content-Type: image/png\n'
             'Content-Disposition: attachment; filename*=%s\n' % pct('UTF-8', '补充截图.png') +
             'Content-Transfer-Encoding: base64\n\n' +
             b64lines(fake('png', 'm21')) + '\n' +
             '--%s--\n' % b)
    add(21, 'reply-in-reply-to', raw, [
        ('subject', subj), ('case_named', '261123000017'),
        ('evidence', '补充截图.png|image/png'),
        ('text-contains', '截图是修改前的内容')],
        eol='\r\n', subject=subj, text=body)


def m22():
    subj = '答复: 您的举报已受理'
    body = '请问处理进度如何？已经过去三天了，帖子还在。\n'
    raw = u8(hdrs(22, 'reply-references', 'wangfang@example.com',
                  ew('UTF-8', u8(subj)), day=25, hh=16, mm=40,
                  extra='References: <a1b2c3@mail.example.com>\n'
                        ' <jubao.261125000038.ack@example.cn>\n') +
             ct_text() + '\n') + u8(body)
    add(22, 'reply-references', raw, [
        ('subject', subj), ('case_named', '261125000038'),
        ('text-contains', '请问处理进度如何')],
        subject=subj, text=body)


def m23():
    subj = '自动回复: 您的举报已受理'
    body = '您好，我正在休假，11月30日返回，期间邮件不能及时回复。\n'
    raw = u8(hdrs(23, 'auto-submitted', 'zhou.vacation@example.com',
                  ew('UTF-8', u8(subj)), hh=9, mm=1,
                  extra='Auto-Submitted: auto-replied\n'
                        'In-Reply-To: <jubao.261123000017.ack@example.cn>\n') +
             ct_text() + '\n') + u8(body)
    add(23, 'auto-submitted', raw, [
        ('subject', subj), ('auto', 'auto-submitted'),
        ('case_named', '261123000017'),
        ('text-contains', '我正在休假')],
        eol='\r\n', subject=subj, text=body)


def m24():
    subj = 'Out of Office: ' + '举报'
    body = ('I am out of the office until 1 December 2026 with limited access to email.\n'
            'For urgent matters please call the front desk.\n')
    raw = u8(hdrs(24, 'x-autoreply-precedence', 'Li Ming <li.ming@example.org>',
                  'Out of Office: ' + ew('UTF-8', u8('举报')), hh=9, mm=2,
                  extra='X-Autoreply: yes\nPrecedence: bulk\n') +
             ct_text('us-ascii', '7bit') + '\n' + body)
    add(24, 'x-autoreply-precedence', raw, [
        ('subject', subj), ('auto', 'precedence'),
        ('text-contains', 'out of the office until 1 December 2026')],
        subject=subj, text=body)


def m25():
    subj = '【网安周刊】第45期'
    body = ('本期导读：\n'
            '1. 网络生态治理专项行动进展\n'
            '2. 如何识别常见的网络诈骗手法\n'
            '退订请访问 https://lists.example.org/unsubscribe/weekly\n')
    raw = u8(hdrs(25, 'list-id', 'Weekly <weekly@lists.example.org>',
                  ew('UTF-8', u8(subj)), hh=6, mm=0,
                  extra='List-Id: Weekly security news <weekly.lists.example.org>\n'
                        'List-Unsubscribe: <https://lists.example.org/unsubscribe/weekly>\n') +
             ct_text() + '\n') + u8(body)
    add(25, 'list-id', raw, [
        ('subject', subj), ('auto', 'list'),
        ('text-contains', '本期导读')],
        eol='\r\n', subject=subj, text=body)


def m26():
    subj = 'Undelivered Mail Returned to Sender'
    b = '5F3A21C0A2.1795400000/mx.example.cn'
    human = ('This is the mail system at host mx.example.cn.\n\n'
             "I'm sorry to have to inform you that your message could not\n"
             'be delivered to one or more recipients. It\'s attached below.\n\n'
             '                   The mail system\n\n'
             '<nobody@example.net>: host mail.example.net[198.51.100.7] said: 550 5.1.1\n'
             '    <nobody@example.net>: Recipient address rejected: User unknown\n')
    raw = u8('Return-Path: <>\n'
             'Received: by mx.example.cn (Postfix)\n\tid 5F3A21C0A2; ' + date(23, 9, 30) + '\n'
             'Date: ' + date(23, 9, 30) + '\n'
             'From: MAILER-DAEMON@mx.example.cn (Mail Delivery System)\n'
             'Subject: Undelivered Mail Returned to Sender\n'
             'To: jubao@example.cn\n'
             'MIME-Version: 1.0\n'
             'Content-Type: multipart/report; report-type=delivery-status;\n'
             '\tboundary="%s"\n' % b +
             'Content-Transfer-Encoding: 8bit\n'
             'Message-Id: <20261123013000.5F3A21C0A2@mx.example.cn>\n\n'
             'This is a MIME-encapsulated message.\n\n'
             '--%s\n' % b +
             'Content-Description: Notification\n'
             'Content-Type: text/plain; charset=us-ascii\n\n' + human + '\n' +
             '--%s\n' % b +
             'Content-Description: Delivery report\n'
             'Content-Type: message/delivery-status\n\n'
             'Reporting-MTA: dns; mx.example.cn\n'
             'X-Postfix-Queue-ID: 5F3A21C0A2\n'
             'Arrival-Date: ' + date(23, 9, 29) + '\n\n'
             'Final-Recipient: rfc822; nobody@example.net\n'
             'Original-Recipient: rfc822;nobody@example.net\n'
             'Action: failed\n'
             'Status: 5.1.1\n'
             'Remote-MTA: dns; mail.example.net\n'
             'Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.net>: Recipient address\n'
             '    rejected: User unknown\n\n'
             '--%s\n' % b +
             'Content-Description: Undelivered Message Headers\n'
             'Content-Type: text/rfc822-headers\n\n'
             'From: jubao@example.cn\n'
             'To: nobody@example.net\n'
             'Subject: =?UTF-8?B?' + base64.b64encode(u8('举报受理通知 [JB 261123000017]')).decode() + '?=\n'
             'Message-ID: <jubao.261123000017.ack@example.cn>\n'
             'Auto-Submitted: auto-generated\n\n'
             '--%s--\n' % b)
    add(26, 'bounce-dsn', raw, [
        ('subject', subj), ('auto', 'mailer-daemon'),
        ('text-contains', 'your message could not')],
        subject=subj, text=human)


def m27():
    subj = 'Abuse report'
    b = 'part1_13d.2e68ed54_boundary'
    human = ('This is an email abuse report for an email message received from IP\n'
             '192.0.2.1 on Mon, 23 Nov 2026 08:30:00 +0800.\n'
             'For more information about this format please see\n'
             'https://www.rfc-editor.org/rfc/rfc5965\n')
    raw = u8('Return-Path: <feedback@fbl.example.net>\n'
             'From: <feedback@fbl.example.net>\n'
             'Date: ' + date(23, 10, 0) + '\n'
             'Subject: ' + subj + '\n'
             'To: report@example.cn\n'
             'Message-ID: <arf.27.0001@fbl.example.net>\n'
             'MIME-Version: 1.0\n'
             'Content-Type: multipart/report; report-type=feedback-report;\n'
             '     boundary="%s"\n\n' % b +
             '--%s\n' % b +
             'Content-Type: text/plain; charset="US-ASCII"\n'
             'Content-Transfer-Encoding: 7bit\n\n' + human + '\n' +
             '--%s\n' % b +
             'Content-Type: message/feedback-report\n\n'
             'Feedback-Type: abuse\n'
             'User-Agent: SomeGenerator/1.0\n'
             'Version: 1\n'
             'Original-Mail-From: <jubao@example.cn>\n'
             'Original-Rcpt-To: <user@fbl.example.net>\n'
             'Arrival-Date: ' + date(23, 8, 30) + '\n'
             'Source-IP: 192.0.2.1\n'
             'Reported-Domain: example.cn\n\n'
             '--%s\n' % b +
             'Content-Type: message/rfc822\n'
             'Content-Disposition: inline\n\n'
             'From: <jubao@example.cn>\n'
             'Received: from mx.example.cn (mx.example.cn [192.0.2.1])\n'
             '      by mail.fbl.example.net; ' + date(23, 8, 30) + '\n'
             'Subject: =?UTF-8?B?' + base64.b64encode(u8('举报处理结果反馈')).decode() + '?=\n'
             'To: <user@fbl.example.net>\n'
             'Message-ID: <jubao.261120000003.result@example.cn>\n'
             'MIME-Version: 1.0\n'
             'Content-Type: text/plain; charset=UTF-8\n'
             'Content-Transfer-Encoding: base64\n\n' +
             b64lines(u8('您好，您举报的内容已处理。\n')) + '\n\n'
             '--%s--\n' % b)
    add(27, 'arf-feedback-report', raw, [
        ('subject', subj), ('auto', 'report'),
        ('text-contains', 'This is an email abuse report')],
        eol='\r\n', subject=subj, text=human)


def m28():
    subj = '举报冒充客服退款诈骗'
    body = ('对方冒充客服，说我买的商品有质量问题要理赔退款，让我下载会议软件共享屏幕，骗走八千元。\n'
            '对方发来的网址：https://refund-kefu.example.top/claim\n'
            '转账截图见附件。\n'
            '姓名：褚十六\n'
            '电话：13822223333\n')
    b = '----=_Part_28_trunc'
    raw = u8(hdrs(28, 'malformed-no-closing-boundary', 'chu16@example.com',
                  ew('UTF-8', u8(subj)), hh=16, mm=0) +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
             '--%s\n' % b + ct_text('UTF-8') + '\n' + body + '\n' +
             '--%s\n' % b +
             'Content-Type: image/png; name="%s"\n' % ew('UTF-8', u8('转账截图.png')) +
             'Content-Transfer-Encoding: base64\n'
             'Content-Disposition: attachment; filename="%s"\n\n' % ew('UTF-8', u8('转账截图.png')) +
             b64lines(fake('png', 'm28')) + '\n')  # no closing delimiter
    add(28, 'malformed-no-closing-boundary', raw, [
        ('subject', subj), ('category', 'fraud'),
        ('url', 'https://refund-kefu.example.top/claim'),
        ('phone', '13822223333'), ('reporter_name', '褚十六'),
        ('evidence', '转账截图.png|image/png'),
        ('text-contains', '让我下载会议软件共享屏幕'),
        ('text-lacks', 'iVBORw0KGgo')],  # the PNG's base64 must not leak into the text
        subject=subj, text=body)


def m29():
    subj = '举报低俗擦边视频'
    body = ('某短视频APP首页持续推送低俗擦边视频，包括大量暴露镜头，举报多次无果。\n'
            '视频链接：https://v.example-short.com/v/889900\n')
    raw = u8(hdrs(29, 'malformed-boundary-absent', 'viewer@example.com',
                  ew('UTF-8', u8(subj)), hh=16, mm=20) +
             'Content-Type: multipart/mixed; boundary="=_never_used_29"\n\n') + u8(body)
    add(29, 'malformed-boundary-absent', raw, [
        ('subject', subj), ('category', 'porn'),
        ('url', 'https://v.example-short.com/v/889900'),
        ('text-contains', '持续推送低俗擦边视频')],
        eol='\r\n', subject=subj, text=body)


def m30():
    subj = '举报网络赌场推广'
    body = ('有人在多个论坛发帖推广网络赌场，声称“注册送888元”，帖子里附有赌场网址。\n'
            '赌场网址：https://www.golden-casino.example.vip/register?aff=1688\n'
            '发帖账号：@发财哥2026\n')
    lines = b64lines(u8(body)).split('\n')
    bad = []
    junk = ['!', '*%', ' . ', '#', '~~']
    for i, l in enumerate(lines):
        j = junk[i % len(junk)]
        k = (i * 8) % len(l) // 4 * 4  # insert only between 4-char quanta
        bad.append(l[:k] + j + l[k:])
    raw = u8(hdrs(30, 'malformed-bad-base64', 'nogamble@example.com',
                  ew('UTF-8', u8(subj)), hh=16, mm=40) +
             ct_text('utf-8', 'base64') + '\n' + '\n'.join(bad) + '\n')
    add(30, 'malformed-bad-base64', raw, [
        ('subject', subj), ('category', 'gambling'),
        ('url', 'https://www.golden-casino.example.vip/register?aff=1688'),
        ('account', '发财哥2026'),
        ('text-contains', '声称“注册送888元”')],
        subject=subj, text=body)


def m31():
    subj = '举报泄露行踪'
    body = ('有人在本地论坛实时发布我的行踪和住址，还附上我家门口的照片，我和家人都很害怕。\n'
            '帖子：http://bbs.example-city.cn/t/556\n'
            '发帖人用户名: stalker_x\n'
            '姓名：卫十七\n'
            '电话：13966668888\n')
    raw = u8(hdrs(31, 'malformed-no-boundary-param', 'wei17@example.com',
                  ew('UTF-8', u8(subj)), hh=17, mm=0) +
             'Content-Type: multipart/alternative\n'
             'Content-Transfer-Encoding: 8bit\n\n') + u8(body)
    add(31, 'malformed-no-boundary-param', raw, [
        ('subject', subj), ('category', 'privacy'),
        ('url', 'http://bbs.example-city.cn/t/556'),
        ('account', 'stalker_x'), ('phone', '13966668888'),
        ('reporter_name', '卫十七'),
        ('text-contains', '实时发布我的行踪和住址')],
        eol='\r\n', subject=subj, text=body)


def m32():
    subj = '举报冒用身份'
    body = ('有人冒用我的头像和昵称注册了抖音号，以我的名义发布广告。\n'
            '抖音账号：dy_fake_01\n'
            '主页：https://www.douyin.com/user/MS4wLjABAAAAfake01\n'
            '姓名：蒋十八\n'
            '电话：13588889999\n')
    raw = u8(hdrs(32, 'unknown-charset', 'jiang18@example.com',
                  ew('UTF-8', u8(subj)), hh=17, mm=20) +
             ct_text('x-klingon') + '\n') + u8(body)
    add(32, 'unknown-charset', raw, [
        ('subject', subj), ('category', 'impersonation'),
        ('url', 'https://www.douyin.com/user/MS4wLjABAAAAfake01'),
        ('account', 'dy_fake_01'), ('phone', '13588889999'),
        ('reporter_name', '蒋十八'),
        ('text-contains', '冒用我的头像和昵称')],
        subject=subj, text=body)


def m33():
    subj = '举报付费删帖网站'
    body = ('有一个网站公开提供“付费删帖”服务，明码标价，删除一条帖子收费三千元起。\n'
            '价目表：shantie.example.com/price.html\n'
            '客服账号：delete_kefu\n')
    raw = u8(hdrs(33, 'no-charset-8bit-gbk', 'anonymous@example.com',
                  ew('GBK', subj.encode('gbk')), hh=17, mm=40) +
             'Content-Type: text/plain\n'
             'Content-Transfer-Encoding: 8bit\n\n') + body.encode('gbk')
    add(33, 'no-charset-8bit-gbk', raw, [
        ('subject', subj), ('category', 'extortion'),
        ('url', 'shantie.example.com/price.html'),
        ('account', 'delete_kefu'),
        ('text-contains', '公开提供“付费删帖”服务')],
        eol='\r\n', subject=subj, text=body)


def m34():
    subj = '举报'
    raw = u8(hdrs(34, 'empty-body', 'someone@example.com',
                  ew('UTF-8', u8(subj)), hh=18, mm=0) +
             ct_text('utf-8', '7bit') + '\n')
    add(34, 'empty-body', raw, [('subject', subj), ('category', 'other')],
        subject=subj, text='')


def m35():
    subj = '举报刷屏广告'
    line = ('举报：以下网站大量刷屏垃圾广告，' + '刷屏广告，' * 6000 +
            '网址：https://spam.example.net/ad?id=42 ，最后一句话在这一行的末尾。')
    body = line + '\n'
    raw = u8(hdrs(35, 'long-line', 'clean@example.com',
                  ew('UTF-8', u8(subj)), hh=18, mm=20) + ct_text() + '\n') + u8(body)
    assert len(u8(line)) > 60000
    add(35, 'long-line', raw, [
        ('subject', subj), ('category', 'other'),
        ('url', 'https://spam.example.net/ad?id=42'),
        ('text-contains', '举报：以下网站大量刷屏垃圾广告'),
        ('text-contains', '最后一句话在这一行的末尾')],
        subject=subj, text=body)


def ent_mail(n, short, frm, subj, body, atts, day=23, hh=10, mm=0, eol='\n'):
    b = '=_ent_%02d' % n
    s = (hdrs(n, short, frm, ew('UTF-8', u8(subj)), day=day, hh=hh, mm=mm) +
         'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
         '--%s\n' % b + ct_text('UTF-8') + '\n' + body + '\n')
    for fname, ctype, kind in atts:
        s += ('--%s\n' % b +
              'Content-Type: %s; name="%s"\n' % (ctype, ew('UTF-8', u8(fname))) +
              'Content-Disposition: attachment; filename*=%s\n' % pct('UTF-8', fname) +
              'Content-Transfer-Encoding: base64\n\n' +
              b64lines(fake(kind, short + fname)) + '\n')
    s += '--%s--\n' % b
    return u8(s)


def m36():
    subj = '涉企举报：网络账号编造我公司产品质量问题'
    body = ('举报说明：\n'
            '我公司（星河食品有限公司）近日发现，微博账号 @食品真相哥 连续发布文章，'
            '编造我公司产品“使用过期原料”“工厂被查封”等不实内容，并配以与我公司无关的图片，'
            '恶意抹黑我公司商誉，造成经销商大量退货。上述内容均无事实依据，'
            '市场监管部门的抽检报告显示我公司产品全部合格。\n'
            '具体地址：\n'
            'https://weibo.com/u/5566778899\n'
            'https://weibo.com/5566778899/PqRsTuVwX\n'
            '证明材料：营业执照副本（附件“营业执照.jpg”）；初步证据：网页截图（附件 screenshot.png）。\n'
            '联系人：林小红（公司法务）\n'
            '电话：13812345678\n'
            '本人保证所举报内容真实、合法，如有不实，愿承担相应法律责任。\n')
    raw = ent_mail(36, 'ent-complete', name_from('林小红', 'legal@xinghe-food.example.cn'),
                   subj, body, [('营业执照.jpg', 'image/jpeg', 'jpg'),
                                ('screenshot.png', 'image/png', 'png')], hh=10, mm=5)
    add(36, 'ent-complete', raw, [
        ('subject', subj), ('category', 'ent_rumour'),
        ('url', 'https://weibo.com/u/5566778899'),
        ('url', 'https://weibo.com/5566778899/PqRsTuVwX'),
        ('account', '食品真相哥'), ('phone', '13812345678'),
        ('reporter_name', '林小红'),
        ('evidence', '营业执照.jpg|image/jpeg'), ('evidence', 'screenshot.png|image/png'),
        ('missing', 'none'),
        ('text-contains', '恶意抹黑我公司商誉')],
        subject=subj, text=body)


def m37():
    subj = '举报自媒体断章取义误导公众'
    body = ('我司为华东新能源集团有限公司。自媒体账号“车圈观察”在今日头条发布视频，'
            '将我集团董事长在2019年一次行业论坛上的讲话断章取义，配以“新能源车要完了”的标题党标题，'
            '误导公众认为我集团即将停产。\n'
            '视频地址：https://www.toutiao.com/video/7300000000000000001/\n'
            '随信附营业执照扫描件。\n'
            '联系人：马经理\n'
            '电话：021-6888 0000\n')
    raw = ent_mail(37, 'ent-missing-evidence-guarantee',
                   name_from('马经理', 'pr@huadong-energy.example.cn'),
                   subj, body, [('营业执照.pdf', 'application/pdf', 'pdf')], hh=10, mm=40)
    add(37, 'ent-missing-evidence-guarantee', raw, [
        ('subject', subj), ('category', 'ent_misleading'),
        ('url', 'https://www.toutiao.com/video/7300000000000000001/'),
        ('phone', '02168880000'), ('reporter_name', '马经理'),
        ('evidence', '营业执照.pdf|application/pdf'),
        ('missing', 'evidence'), ('missing', 'guarantee'),
        ('text-contains', '将我集团董事长在2019年一次行业论坛上的讲话断章取义')],
        eol='\r\n', subject=subj, text=body)


def m38():
    subj = '举报矩阵账号恶意营销抹黑企业'
    body = ('一批矩阵账号在短视频平台集中发布针对我们企业的负面内容，集纳多年前已处理完毕的旧事，'
            '蹭炒热点，进行有组织的恶意营销，干扰企业正常经营。\n'
            '涉及账号：@真相说车01、@真相说车02、@真相说车03\n'
            '示例链接：https://v.example-video.com/share/abc123XYZ\n'
            '截图见附件。\n'
            '我们保证所举报内容真实、合法。\n')
    raw = ent_mail(38, 'ent-missing-standing-contact', 'media-dept@example-corp.cn',
                   subj, body, [('截图1.png', 'image/png', 'png')], hh=11, mm=10)
    add(38, 'ent-missing-standing-contact', raw, [
        ('subject', subj), ('category', 'ent_interference'),
        ('url', 'https://v.example-video.com/share/abc123XYZ'),
        ('account', '真相说车01'), ('account', '真相说车02'), ('account', '真相说车03'),
        ('evidence', '截图1.png|image/png'),
        ('missing', 'standing'), ('missing', 'contact'),
        ('text-contains', '集纳多年前已处理完毕的旧事')],
        subject=subj, text=body)


def m39():
    subj = '举报仿冒我公司官方网站'
    body = ('我公司为深圳市云帆科技有限公司，官方网站为 https://www.yunfan-tech.example.cn/ 。'
            '近期发现有人注册相似域名 https://www.yunfan-tech-cn.example.top/ ，'
            '完整复制我公司官网页面、商标和客服热线，冒充我公司对外销售产品，这个山寨网站已有多名客户受骗。\n'
            '证明材料：营业执照（见附件）。\n'
            '联系人：邓先生\n'
            '手机: 136-0000-8888\n'
            '本人保证所举报内容真实、合法，并愿承担法律责任。\n')
    raw = ent_mail(39, 'ent-impersonation-no-evidence-needed',
                   name_from('邓先生', 'deng@yunfan-tech.example.cn'),
                   subj, body, [('营业执照.jpg', 'image/jpeg', 'jpg')], hh=11, mm=30)
    add(39, 'ent-impersonation-no-evidence-needed', raw, [
        ('subject', subj), ('category', 'ent_impersonation'),
        ('url', 'https://www.yunfan-tech-cn.example.top/'),
        ('url', 'https://www.yunfan-tech.example.cn/'),
        ('phone', '13600008888'), ('reporter_name', '邓先生'),
        ('evidence', '营业执照.jpg|image/jpeg'),
        ('missing', 'none'),
        ('text-contains', '这个山寨网站已有多名客户受骗')],
        eol='\r\n', subject=subj, text=body)


def m40():
    subj = '举报泄露我司创始人家庭住址'
    body = ('有网民在多个论坛和群聊中泄露我司创始人王建国先生的家庭住址、身份证号码和私人电话号码，'
            '已造成其家人受到骚扰。由于相关帖子被反复转载，目前无法逐一列出具体网址，恳请平台协助排查。\n'
            '本人为公司法务，受王建国先生委托提交举报，附授权委托书及本人身份证复印件。\n'
            '联系人：丁律师\n'
            '电话：13566667777\n'
            '本人保证所举报内容真实、合法。\n')
    raw = ent_mail(40, 'ent-missing-address', name_from('丁律师', 'ding.lawyer@example-law.cn'),
                   subj, body, [('授权委托书.pdf', 'application/pdf', 'pdf'),
                                ('身份证复印件.jpg', 'image/jpeg', 'jpg')], hh=12, mm=0)
    add(40, 'ent-missing-address', raw, [
        ('subject', subj), ('category', 'ent_privacy'),
        ('phone', '13566667777'), ('reporter_name', '丁律师'),
        ('evidence', '授权委托书.pdf|application/pdf'),
        ('evidence', '身份证复印件.jpg|image/jpeg'),
        ('missing', 'address'),
        ('text-contains', '目前无法逐一列出具体网址')],
        subject=subj, text=body)


def m41():
    subj = '涉企举报：仿冒我公司'
    b = '=_ent_41'
    raw = u8(hdrs(41, 'ent-attachment-only', 'office@example-corp.cn',
                  ew('UTF-8', u8(subj)), hh=12, mm=20) +
             'Content-Type: multipart/mixed; boundary="%s"\n\n' % b +
             '--%s\n' % b +
             'Content-Type: image/jpeg; name="%s"\n' % ew('UTF-8', u8('营业执照.jpg')) +
             'Content-Disposition: attachment; filename*=%s\n' % pct('UTF-8', '营业执照.jpg') +
             'Content-Transfer-Encoding: base64\n\n' +
             b64lines(fake('jpg', 'm41')) + '\n' +
             '--%s--\n' % b)
    add(41, 'ent-attachment-only', raw, [
        ('subject', subj), ('category', 'ent_impersonation'),
        ('evidence', '营业执照.jpg|image/jpeg'),
        ('missing', 'statement'), ('missing', 'contact'),
        ('missing', 'address'), ('missing', 'guarantee')],
        eol='\r\n', subject=subj, text='')


def m42():
    subj = 'Phishing scam website report'
    body = ('Hello,\n\n'
            'I would like to report a phishing website that imitates a popular online shop\n'
            'and steals card numbers: https://shop-secure-login.example.top/account/verify.\n\n'
            'It is promoted by the account @cheap_deals_4u on a social network. I lost\n'
            'about 500 USD to this scam.\n\n'
            'Name: John Smith\n'
            'Phone: +86 10 6552 1234\n')
    raw = u8(hdrs(42, 'english-fraud', 'John Smith <john.smith@example.com>', subj,
                  hh=13, mm=0, to=TO2) + ct_text('us-ascii', '7bit') + '\n' + body)
    add(42, 'english-fraud', raw, [
        ('subject', subj), ('category', 'fraud'),
        ('url', 'https://shop-secure-login.example.top/account/verify'),
        ('account', 'cheap_deals_4u'), ('phone', '+861065521234'),
        ('reporter_name', 'John Smith'),
        ('text-contains', 'a phishing website that imitates a popular online shop')],
        subject=subj, text=body)


def m43():
    subj = 'Doxxing and harassment of a teacher'
    body = ('Dear team,\n\n'
            'A group of users is doxxing a teacher at our school: they published her home\n'
            'address and phone number at http://forum.example.org/t/12345 (see the first\n'
            'post), and they keep sending her harassment messages.\n'
            'Main account: @anon_hunter_99\n\n'
            'Name: Mary Lee\n'
            'Phone: (852) 9123 4567\n')
    raw = u8(hdrs(43, 'english-harassment', '"Lee, Mary" <mary.lee@example.com.hk>', subj,
                  hh=13, mm=20) + ct_text('utf-8', 'quoted-printable') + '\n' + qp(u8(body)) + '\n')
    add(43, 'english-harassment', raw, [
        ('subject', subj), ('category', 'cyberviolence'),
        ('url', 'http://forum.example.org/t/12345'),
        ('account', 'anon_hunter_99'), ('phone', '85291234567'),
        ('reporter_name', 'Mary Lee'),
        ('text-contains', 'keep sending her harassment messages')],
        eol='\r\n', subject=subj, text=body)


def m44():
    subj = '举报一则所谓诈骗预警'
    body = ('类别：谣言\n'
            '有人冒用“反诈中心”名义发布所谓“新型诈骗预警”，称“接到某国家区号开头的电话一律是诈骗”'
            '“扫码即被盗刷”等，内容都是编出来的，引起不必要的恐慌。\n'
            '原文：https://mp.example.qq.com/s/FakeAlert2026\n')
    raw = u8(hdrs(44, 'explicit-category', 'truth@example.com',
                  ew('UTF-8', u8(subj)), hh=14, mm=0) + ct_text() + '\n') + u8(body)
    add(44, 'explicit-category', raw, [
        ('subject', subj), ('category', 'rumour'),
        ('url', 'https://mp.example.qq.com/s/FakeAlert2026'),
        ('text-contains', '内容都是编出来的')],
        subject=subj, text=body)


def m45():
    subj = '举报盗版影视资源'
    body = ('以下账号长期发布盗版影视资源，侵犯著作权，请核查：\n'
            '1. 主页 http://video.example.com/user/piracy01\n'
            '2. 资源帖 https://pan.example.cn/s/1AbCdEfG?pwd=x7k9\n'
            '3. 备份：www.example.cn/a/b\n'
            '4. 微博：weibo.com/u/123\n'
            '5. 短链接https://t.cn/abc。\n'
            '6. 备用地址（http://x.cn/1）\n'
            '7. 另见 https://example.org/path/to/page, 和 https://example.net/end.\n'
            '8. 发布者 @某某某 ，还有账号：abc123，微博账号：xyz，用户名: foo_bar\n'
            '9. 论坛链接https://bbs.example.com/t/42这个帖子最早。\n'
            '10. 见(https://example.com/paren)与“https://example.com/quoted”。\n'
            '姓名：张三\n'
            '电话：13812345678\n')
    raw = u8(hdrs(45, 'urls-accounts-many-forms', name_from('张三', 'zhangsan@example.com'),
                  ew('UTF-8', u8(subj)), hh=14, mm=30) + ct_text() + '\n') + u8(body)
    urls = ['http://video.example.com/user/piracy01',
            'https://pan.example.cn/s/1AbCdEfG?pwd=x7k9',
            'www.example.cn/a/b', 'weibo.com/u/123', 'https://t.cn/abc',
            'http://x.cn/1', 'https://example.org/path/to/page',
            'https://example.net/end', 'https://bbs.example.com/t/42',
            'https://example.com/paren', 'https://example.com/quoted']
    add(45, 'urls-accounts-many-forms', raw, [('subject', subj), ('category', 'other')] +
        [('url', u) for u in urls] +
        [('account', a) for a in ('某某某', 'abc123', 'xyz', 'foo_bar')] +
        [('phone', '13812345678'), ('reporter_name', '张三'),
         ('text-contains', '侵犯著作权')],
        eol='\r\n', subject=subj, text=body)


def m46():
    subj = '举报赌博APP'
    body = ('这个APP表面是棋牌游戏，实际是赌博平台，可以充值下注、提现。\n'
            '下载页：https://app.example-qipai.com/download\n'
            '联系人：秦十九\n'
            '电话：13711119999\n')
    raw = u8(hdrs(46, 'charset-alias-utf8', 'qin19@example.com',
                  ew('utf8', u8(subj)), hh=15, mm=0) +
             'Content-Type: text/plain; charset="UTF8"; format=flowed\n'
             'Content-Transfer-Encoding: 8bit\n\n') + u8(body)
    add(46, 'charset-alias-utf8', raw, [
        ('subject', subj), ('category', 'gambling'),
        ('url', 'https://app.example-qipai.com/download'),
        ('phone', '13711119999'), ('reporter_name', '秦十九'),
        ('text-contains', '实际是赌博平台')],
        subject=subj, text=body)


# ---------------------------------------------------------------- output

def main():
    for f in sorted(globals()):
        if f.startswith('m') and f[1:].isdigit():
            globals()[f]()
    names = [m['name'] for m in CORPUS]
    assert len(set(n[:2] for n in names)) == len(names), 'duplicate numbers'
    os.makedirs(OUT, exist_ok=True)
    keep = set()
    for m in CORPUS:
        raw = m['raw']
        if m['eol'] == '\r\n':
            raw = raw.replace(b'\n', b'\r\n')
        with open(os.path.join(OUT, m['name'] + '.eml'), 'wb') as fp:
            fp.write(raw)
        lines = []
        for k, v in m['expect']:
            assert '\n' not in v and '\r' not in v, (m['name'], k)
            lines.append('%s: %s\n' % (k, v))
        with open(os.path.join(OUT, m['name'] + '.expect'), 'wb') as fp:
            fp.write(''.join(lines).encode('utf-8'))
        keep.add(m['name'] + '.eml')
        keep.add(m['name'] + '.expect')
    # drop generated files of messages that no longer exist (not .ref files)
    for f in os.listdir(OUT):
        if f.endswith(('.eml', '.expect')) and f not in keep:
            os.unlink(os.path.join(OUT, f))
    print('mkcorpus: wrote %d messages to %s' % (len(CORPUS), OUT))


if __name__ == '__main__':
    main()
