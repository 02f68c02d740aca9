// the user's tests ran, and all of them passed (the build would have failed otherwise)
def report = new File(basedir, 'target/surefire-reports/TEST-com.example.orders.OrdersTests.xml')
assert report.isFile() : 'OrdersTests did not run'
def suite = new groovy.xml.XmlSlurper().parse(report)
assert suite.@tests.toInteger() == 3 : "OrdersTests ran ${suite.@tests} tests, not 3"
assert suite.@failures.toInteger() == 0 && suite.@errors.toInteger() == 0 && suite.@skipped.toInteger() == 0
