namespace Liaison.Cases.Departments;

/// <summary>
/// The 29 sample departments seeded into an empty database. They are marked <see cref="Department.IsSample"/>
/// and use <c>anyue.example</c> addresses: admins replace the people with the real liaisons.
/// </summary>
public static class SampleDepartments
{
    private static readonly (string Code, string Name)[] Rows =
    [
        ("fgj", "发展和改革局"),
        ("jxj", "经济和信息化局"),
        ("zrzyj", "自然资源和规划局"),
        ("zjj", "住房和城乡建设局"),
        ("sthjj", "生态环境局"),
        ("yjglj", "应急管理局"),
        ("scjgj", "市场监督管理局"),
        ("rsj", "人力资源和社会保障局"),
        ("czj", "财政局"),
        ("swj", "税务局"),
        ("jtysj", "交通运输局"),
        ("swuj", "水务局"),
        ("swgj", "商务局"),
        ("sfj", "司法局"),
        ("fy", "人民法院"),
        ("gaj", "公安局"),
        ("xfdd", "消防救援大队"),
        ("xzspj", "行政审批局"),
        ("nyncj", "农业农村局"),
        ("wjj", "卫生健康局"),
        ("tcj", "投资促进局"),
        ("jrj", "金融工作局"),
        ("gdgs", "供电公司"),
        ("rqgs", "燃气公司"),
        ("gsgs", "供水公司"),
        ("town-yueyang", "岳阳街道"),
        ("town-shiqiao", "石桥街道"),
        ("town-shiyang", "石羊镇"),
        ("town-xinglong", "兴隆镇"),
    ];

    public static IReadOnlyList<Department> Create(DateTimeOffset now) =>
        Rows.Select(r => new Department
        {
            Code = r.Code,
            Name = r.Name,
            Handler = new DepartmentLiaison { Name = $"{r.Name}联络人（示例）", Email = $"{r.Code}.handler@anyue.example" },
            Leader = new DepartmentLiaison { Name = $"{r.Name}分管领导（示例）", Email = $"{r.Code}.leader@anyue.example" },
            Active = true,
            IsSample = true,
            CreatedAt = now,
            UpdatedAt = now,
        }).ToList();
}
