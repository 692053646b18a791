using System.Net.Http.Json;
using System.Text.Json;
using Liaison.Server.Tests.Infrastructure;

namespace Liaison.Server.Tests;

/// <summary>The OpenAPI document names every answer a route gives, errors included, as the routes' typed results say.</summary>
public sealed class OpenApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    private async Task<JsonElement> OperationAsync(string path, string method)
    {
        var doc = await fixture.App.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        Assert.True(doc.GetProperty("paths").TryGetProperty(path, out var item), $"{path} is not documented");
        Assert.True(item.TryGetProperty(method, out var operation), $"{method} {path} is not documented");
        return operation;
    }

    [Theory]
    [InlineData("/api/cases", "post", "201 400 401 403")]
    [InlineData("/api/cases", "get", "200 400 401 403")]
    [InlineData("/api/cases/{number}", "get", "200 401 403 404")]
    [InlineData("/api/cases/{number}/reassign", "post", "200 400 401 403 404 409")]
    [InlineData("/api/cases/reassign", "post", "200 400 401 403")]
    [InlineData("/api/cases/{number}/extension-decision", "post", "200 400 401 403 404 409")]
    [InlineData("/api/cases/{number}/confirm", "post", "200 400 401 403 404 409")]
    [InlineData("/api/cases/{number}/reopen", "post", "200 400 401 403 404 409")]
    [InlineData("/api/cases/{number}/cancel", "post", "200 400 401 403 404 409")]
    [InlineData("/api/cases/{number}/officer", "post", "200 400 401 403 404 409")]
    [InlineData("/api/cases/deadline-preview", "get", "200 400 401 403")]
    [InlineData("/api/departments", "post", "201 400 401 403 409")]
    [InlineData("/api/departments/{code}", "put", "200 400 401 403 404")]
    [InlineData("/api/users", "post", "201 400 401 403 409")]
    [InlineData("/api/users/{id}", "put", "200 400 401 403 404 409")]
    [InlineData("/api/mail-templates/{kind}/{culture}/{part}", "put", "200 400 401 403 404 409")]
    [InlineData("/api/auth/login", "post", "400 401 429")]
    [InlineData("/api/auth/password", "post", "204 400 401 429")]
    [InlineData("/api/workflow-definitions/{definitionId}/publish", "post", "200 400 401 403 404")]
    public async Task Each_route_documents_every_status_it_answers(string path, string method, string statuses)
    {
        var responses = (await OperationAsync(path, method)).GetProperty("responses");

        var documented = responses.EnumerateObject().Select(r => r.Name).ToHashSet();
        foreach (var status in statuses.Split(' '))
        {
            Assert.True(documented.Contains(status), $"{method} {path} does not document {status}; it documents {string.Join(", ", documented.Order())}");
        }
    }

    [Fact]
    public async Task A_case_opens_enterprise_and_the_registers_enterprise_are_two_schemas()
    {
        // Both inputs were once records named EnterpriseInput, and the document showed the register's for a case open.
        var doc = await fixture.App.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var schemas = doc.GetProperty("components").GetProperty("schemas");
        JsonElement Resolve(JsonElement schema)
        {
            var text = schema.ToString();
            var m = System.Text.RegularExpressions.Regex.Match(text, "\"\\$ref\":\\s*\"#/components/schemas/([^\"]+)\"");
            return m.Success ? schemas.GetProperty(m.Groups[1].Value) : schema;
        }

        JsonElement Body(string path) =>
            Resolve(doc.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema"));

        var ofCase = Resolve(Body("/api/cases").GetProperty("properties").GetProperty("enterprise")).GetProperty("properties");
        Assert.True(ofCase.TryGetProperty("contact", out _), ofCase.ToString());
        Assert.False(ofCase.TryGetProperty("contacts", out _), ofCase.ToString());
        var ofRegister = Body("/api/enterprises").GetProperty("properties");
        Assert.True(ofRegister.TryGetProperty("contacts", out _), ofRegister.ToString());
    }

    [Fact]
    public async Task A_calendar_years_put_says_its_body_and_that_the_bodys_year_may_be_left_out()
    {
        var description = (await OperationAsync("/api/calendar/years/{year}", "put")).GetProperty("description").GetString();

        Assert.Contains("`year` is optional: the address gives it", description);
        Assert.Contains("\"holidays\"", description);
    }

    [Fact]
    public async Task Errors_are_documented_as_problem_details()
    {
        var notFound = (await OperationAsync("/api/cases/{number}", "get")).GetProperty("responses").GetProperty("404");

        Assert.True(notFound.GetProperty("content").TryGetProperty("application/problem+json", out _), notFound.ToString());
    }

    [Theory]
    [InlineData("reassign", "departmentCode")]
    [InlineData("extension-decision", "approve")]
    [InlineData("reopen", "note")]
    public async Task Each_officer_decision_is_its_own_route_with_its_own_body(string action, string field)
    {
        var operation = await OperationAsync($"/api/cases/{{number}}/{action}", "post");

        var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var doc = await fixture.App.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var properties = Resolve(doc, schema).GetProperty("properties");
        Assert.True(properties.TryGetProperty(field, out _), $"{action}'s body has no '{field}': {properties}");
    }

    [Theory]
    [InlineData("reassign")]
    [InlineData("extension-decision")]
    [InlineData("confirm")]
    [InlineData("reopen")]
    [InlineData("urge")]
    [InlineData("cancel")]
    [InlineData("parts/{partId}/reassign")]
    [InlineData("parts/{partId}/drop")]
    [InlineData("parts/{partId}/extension-decision")]
    [InlineData("parts/{partId}/urge")]
    public async Task Each_decision_body_says_what_its_basis_and_request_id_do(string action)
    {
        var operation = await OperationAsync($"/api/cases/{{number}}/{action}", "post");
        var doc = await fixture.App.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        // An optional body is its type or nothing.
        foreach (var either in new[] { "anyOf", "oneOf", "allOf" })
        {
            if (schema.TryGetProperty(either, out var choices))
            {
                schema = choices.EnumerateArray().First(c => c.TryGetProperty("$ref", out _));
            }
        }

        Assert.True(Resolve(doc, schema).TryGetProperty("properties", out var properties), schema.ToString());
        Assert.Contains("409", properties.GetProperty("basis").GetProperty("description").GetString());
        Assert.Contains("409", properties.GetProperty("requestId").GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_case_read_says_what_its_basis_is_for()
    {
        var doc = await fixture.App.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var dto = doc.GetProperty("components").GetProperty("schemas").GetProperty("CaseDto").GetProperty("properties");
        var part = doc.GetProperty("components").GetProperty("schemas").GetProperty("CoDepartmentDto").GetProperty("properties");

        Assert.Contains("send it back as `basis`", dto.GetProperty("basis").GetProperty("description").GetString());
        Assert.Contains("send it back as `basis`", part.GetProperty("basis").GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_template_edit_says_what_its_basis_does()
    {
        var doc = await fixture.App.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var operation = await OperationAsync("/api/mail-templates/{kind}/{culture}/{part}", "put");

        var schema = operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var basis = Resolve(doc, schema).GetProperty("properties").GetProperty("basis").GetProperty("description").GetString();
        Assert.Contains("409", basis);
        Assert.Contains("400", basis);
        var read = doc.GetProperty("components").GetProperty("schemas").GetProperty("MailTemplateDto").GetProperty("properties");
        Assert.Contains("send it back as `basis`", read.GetProperty("basis").GetProperty("description").GetString());
    }

    private static JsonElement Resolve(JsonElement doc, JsonElement schema)
    {
        if (!schema.TryGetProperty("$ref", out var reference))
        {
            return schema;
        }

        var name = reference.GetString()!.Split('/').Last();
        return doc.GetProperty("components").GetProperty("schemas").GetProperty(name);
    }
}
