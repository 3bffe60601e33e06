namespace Glm4vSK.Agents.Executors;

/// <summary>
/// App display names → Android package names, for <c>Launch</c> / <c>open_app</c> and for reporting the current
/// app. <see cref="Default"/> covers the popular Chinese apps AutoGLM-Phone was trained on, stock Android and
/// Google apps, the AndroidWorld apps the GLM-V mobile prompt lists, and common international apps. Device
/// vendors ship their own Camera, Gallery, Files and Clock apps under other packages: add them through
/// <see cref="AdbExecutorOptions.AppPackages"/>, for example
/// <c>AndroidAppPackages.With(AndroidAppPackages.Default, ("Camera", "com.sec.android.app.camera"))</c>.
/// </summary>
public static class AndroidAppPackages
{
    /// <summary>The default map. The first name of each package is its display name.</summary>
    public static IReadOnlyDictionary<string, string> Default { get; } = Build(
        // Chinese apps (AutoGLM-Phone's own names first, English names after).
        ("微信", "com.tencent.mm"), ("WeChat", "com.tencent.mm"),
        ("QQ", "com.tencent.mobileqq"),
        ("微博", "com.sina.weibo"), ("Weibo", "com.sina.weibo"),
        ("淘宝", "com.taobao.taobao"), ("Taobao", "com.taobao.taobao"),
        ("京东", "com.jingdong.app.mall"), ("JD", "com.jingdong.app.mall"),
        ("拼多多", "com.xunmeng.pinduoduo"), ("Pinduoduo", "com.xunmeng.pinduoduo"),
        ("支付宝", "com.eg.android.AlipayGphone"), ("Alipay", "com.eg.android.AlipayGphone"),
        ("小红书", "com.xingin.xhs"), ("Xiaohongshu", "com.xingin.xhs"), ("RedNote", "com.xingin.xhs"),
        ("知乎", "com.zhihu.android"), ("Zhihu", "com.zhihu.android"),
        ("豆瓣", "com.douban.frodo"), ("Douban", "com.douban.frodo"),
        ("高德地图", "com.autonavi.minimap"), ("Amap", "com.autonavi.minimap"),
        ("百度地图", "com.baidu.BaiduMap"), ("Baidu Maps", "com.baidu.BaiduMap"),
        ("美团", "com.sankuai.meituan"), ("Meituan", "com.sankuai.meituan"),
        ("大众点评", "com.dianping.v1"), ("Dianping", "com.dianping.v1"),
        ("饿了么", "me.ele"), ("Eleme", "me.ele"),
        ("携程", "ctrip.android.view"), ("Ctrip", "ctrip.android.view"), ("Trip.com", "ctrip.android.view"),
        ("铁路12306", "com.MobileTicket"), ("12306", "com.MobileTicket"),
        ("滴滴出行", "com.sdu.didi.psnger"), ("DiDi", "com.sdu.didi.psnger"),
        ("哔哩哔哩", "tv.danmaku.bili"), ("bilibili", "tv.danmaku.bili"),
        ("抖音", "com.ss.android.ugc.aweme"), ("Douyin", "com.ss.android.ugc.aweme"),
        ("快手", "com.smile.gifmaker"), ("Kuaishou", "com.smile.gifmaker"),
        ("腾讯视频", "com.tencent.qqlive"),
        ("爱奇艺", "com.qiyi.video"), ("iQIYI", "com.qiyi.video"),
        ("网易云音乐", "com.netease.cloudmusic"), ("NetEase Cloud Music", "com.netease.cloudmusic"),
        ("QQ音乐", "com.tencent.qqmusic"), ("QQ Music", "com.tencent.qqmusic"),
        ("飞书", "com.ss.android.lark"), ("Feishu", "com.ss.android.lark"), ("Lark", "com.ss.android.lark"),
        ("钉钉", "com.alibaba.android.rimet"), ("DingTalk", "com.alibaba.android.rimet"),
        ("今日头条", "com.ss.android.article.news"), ("Toutiao", "com.ss.android.article.news"),
        ("豆包", "com.larus.nova"), ("Doubao", "com.larus.nova"),
        // Stock Android and Google apps.
        ("Settings", "com.android.settings"), ("设置", "com.android.settings"), ("System Settings", "com.android.settings"),
        ("Chrome", "com.android.chrome"), ("Google Chrome", "com.android.chrome"),
        ("Clock", "com.google.android.deskclock"), ("Google Clock", "com.google.android.deskclock"),
        ("Contacts", "com.google.android.contacts"), ("Google Contacts", "com.google.android.contacts"),
        ("Phone", "com.google.android.dialer"), ("Dialer", "com.google.android.dialer"),
        ("Messages", "com.google.android.apps.messaging"), ("Google Messages", "com.google.android.apps.messaging"),
        ("Camera", "com.android.camera2"),
        ("Files", "com.google.android.documentsui"),
        ("Files by Google", "com.google.android.apps.nbu.files"),
        ("Calendar", "com.google.android.calendar"), ("Google Calendar", "com.google.android.calendar"),
        ("Gmail", "com.google.android.gm"), ("Google Mail", "com.google.android.gm"),
        ("Google Maps", "com.google.android.apps.maps"), ("Maps", "com.google.android.apps.maps"),
        ("Google Photos", "com.google.android.apps.photos"), ("Photos", "com.google.android.apps.photos"),
        ("Google Play Store", "com.android.vending"), ("Play Store", "com.android.vending"),
        ("YouTube", "com.google.android.youtube"),
        ("Google Drive", "com.google.android.apps.docs"), ("Drive", "com.google.android.apps.docs"),
        ("Google Docs", "com.google.android.apps.docs.editors.docs"),
        ("Google Keep", "com.google.android.keep"), ("Keep", "com.google.android.keep"),
        ("Google Tasks", "com.google.android.apps.tasks"),
        ("Calculator", "com.google.android.calculator"),
        ("Google", "com.google.android.googlequicksearchbox"),
        // AndroidWorld apps (GLM-V mobile prompt).
        ("Simple Calendar Pro", "com.simplemobiletools.calendar.pro"),
        ("Simple SMS Messenger", "com.simplemobiletools.smsmessenger"),
        ("Simple Gallery Pro", "com.simplemobiletools.gallery.pro"),
        ("Simple Draw Pro", "com.simplemobiletools.draw.pro"),
        ("Markor", "net.gsantner.markor"),
        ("Broccoli", "com.flauschcode.broccoli"), ("Broccoli - Recipe App", "com.flauschcode.broccoli"),
        ("Audio Recorder", "com.dimowner.audiorecorder"),
        ("Tasks", "org.tasks"),
        ("Pro Expense", "com.arduia.expense"),
        ("Retro Music", "code.name.monkey.retromusic"),
        ("OsmAnd", "net.osmand"),
        ("VLC", "org.videolan.vlc"),
        ("Joplin", "net.cozic.joplin"),
        ("OpenTracks", "de.dennisguse.opentracks"),
        ("Expense", "com.arduia.expense"),
        // International apps.
        ("WhatsApp", "com.whatsapp"),
        ("Telegram", "org.telegram.messenger"),
        ("X", "com.twitter.android"), ("Twitter", "com.twitter.android"),
        ("Instagram", "com.instagram.android"),
        ("Facebook", "com.facebook.katana"),
        ("TikTok", "com.zhiliaoapp.musically"),
        ("Reddit", "com.reddit.frontpage"),
        ("Spotify", "com.spotify.music"),
        ("Netflix", "com.netflix.mediaclient"),
        ("Amazon Shopping", "com.amazon.mShop.android.shopping"), ("Amazon", "com.amazon.mShop.android.shopping"),
        ("eBay", "com.ebay.mobile"),
        ("Uber", "com.ubercab"),
        ("Booking.com", "com.booking"),
        ("Expedia", "com.expedia.bookings"),
        ("Duolingo", "com.duolingo"),
        ("Temu", "com.einnovation.temu"));

    /// <summary>
    /// A copy of <paramref name="baseMap"/> with <paramref name="extra"/> added or replacing entries of the same
    /// name (ignoring case); added names go after the existing ones.
    /// </summary>
    public static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> baseMap, params (string Name, string Package)[] extra)
    {
        ArgumentNullException.ThrowIfNull(baseMap);
        ArgumentNullException.ThrowIfNull(extra);
        var entries = baseMap.Select(kv => (kv.Key, kv.Value)).ToList();
        foreach (var (name, package) in extra)
        {
            int at = entries.FindIndex(e => string.Equals(e.Key, name, StringComparison.OrdinalIgnoreCase));
            if (at >= 0) entries[at] = (name, package);
            else entries.Add((name, package));
        }
        return Build([.. entries]);
    }

    private static IReadOnlyDictionary<string, string> Build(params (string Name, string Package)[] entries)
    {
        // An insertion-ordered, case-insensitive map: OrderedDictionary keeps "the first name of a package" meaningful.
        var map = new OrderedDictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, package) in entries)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentException.ThrowIfNullOrWhiteSpace(package);
            map[name] = package;
        }
        return new System.Collections.ObjectModel.ReadOnlyDictionary<string, string>(map);
    }
}
