using System.Globalization;
using System.Management.Automation;

namespace MimecastJournaling.Commands;

/// <summary>
/// Lets a TimeSpan parameter take a plain number as minutes (PowerShell would otherwise read an
/// integer as ticks): -InitialProcessDelay 10 is ten minutes; "00:10:00" and [timespan] work too.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MinutesToTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        switch (value)
        {
            case TimeSpan:
                return value;
            case int or long or short or byte or double or float or decimal:
                return TimeSpan.FromMinutes(Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case string text when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var minutes):
                return TimeSpan.FromMinutes(minutes);
            case string text when TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span):
                return span;
            default:
                throw new ArgumentTransformationMetadataException(
                    $"'{inputData}' is not a duration. Give minutes as a number (30), a time span (\"00:30:00\") or [timespan]::FromHours(1).");
        }
    }
}

/// <summary>Date parameters: a DateTime typed at the prompt without a zone means local time.</summary>
internal static class Times
{
    public static DateTimeOffset ToOffset(DateTime value) =>
        new(value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Local) : value);
}
