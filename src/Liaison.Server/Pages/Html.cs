using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Liaison.Server.Pages;

/// <summary>Tiny helpers for the server-rendered pages: one layout, encoded output, mobile-first CSS.</summary>
public static class Html
{
    // Chinese stays readable in the page source; only markup-significant characters are escaped.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string E(string? text) => Encoder.Encode(text ?? "");

    public static IResult Page(string title, string body, int status = 200) =>
        Results.Content(Layout(title, body), "text/html; charset=utf-8", Encoding.UTF8, status);

    public static string Layout(string title, string body) => $$"""
        <!doctype html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{E(title)}} · 点对点联络</title>
        <style>
        body{font-family:system-ui,-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
        header{background:#1a4f8b;color:#fff;padding:.75rem 1rem;font-weight:600}
        main{max-width:56rem;margin:0 auto;padding:1rem}
        .card{background:#fff;border-radius:.5rem;padding:1rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(0,0,0,.08)}
        label{display:block;margin:.5rem 0 .25rem}
        input,select,textarea{width:100%;box-sizing:border-box;padding:.6rem;font-size:1rem;border:1px solid #cbd2d9;border-radius:.375rem}
        button{padding:.7rem 1.2rem;font-size:1rem;border:0;border-radius:.375rem;background:#1a4f8b;color:#fff;margin-top:.75rem}
        .error{color:#b91c1c}
        .ok{background:#e6f4ea;color:#14532d}
        .muted{color:#616e7c;font-size:.9rem}
        table{width:100%;border-collapse:collapse}td,th{padding:.4rem;border-bottom:1px solid #e4e7eb;text-align:left;vertical-align:top}
        </style>
        </head>
        <body><header>安岳经开区 · 点对点联络 <span class="muted" style="color:#cfe0f5">Liaison</span></header>
        <main>{{body}}</main></body></html>
        """;
}
